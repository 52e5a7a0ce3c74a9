import { runDesktop } from './desktop';

void runDesktop();
