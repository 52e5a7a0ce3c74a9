import { startDesktop } from './desktop';

void startDesktop();
