/** Types of host-v8-flags.js (plain CommonJS, so the bin runs without a build). */
export declare const HOST_V8_FLAGS: readonly string[];
export declare function missingHostFlags(execArgv?: readonly string[], nodeOptions?: string): string[];
export declare function relaunchWithHostFlags(): void;
