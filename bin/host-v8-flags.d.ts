/** Types of host-v8-flags.js (plain CommonJS, so the bin runs without a build). */
export declare const HOST_V8_FLAGS: readonly string[];
export declare function splitNodeOptions(value: string): string[];
export declare function hostFlagsInEffect(execArgv?: readonly string[], nodeOptions?: string): boolean;
export interface RelaunchInput {
  isEntry: boolean;
  execArgv: readonly string[];
  nodeOptions: string;
  hasChannel: boolean;
  env: Readonly<Record<string, string | undefined>>;
  argv: readonly string[];
  execPath: string;
  canExecute(file: string): boolean;
}
export declare function relaunchPlan(input: RelaunchInput): { relaunch: true; args: string[] } | { relaunch: false; reason: string };
export declare function relaunchWithHostFlags(isEntry: boolean): void;
