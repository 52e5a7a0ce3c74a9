/** The demonstration engine (tests, benchmarks and `--with-demo-engine` only): its folder's one public door. */
export { demoEngine } from './demo.engine';
