import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Ends a command over a mistake in its arguments: the message, then its usage, exit code 2. */
export type UsageFailure = (message: string) => never;

export function usageFailure(usage: string): UsageFailure {
  return (message) => {
    console.error(`${message}\n${usage}`);
    process.exit(2);
  };
}

/** A command's arguments, parsed with node's parseArgs; a mistake in them ends the command through `fail`. */
export function commandLine<const T extends ParseArgsConfig>(fail: UsageFailure, config: T) {
  try {
    return parseArgs<T>({ ...config, args: process.argv.slice(2) });
  } catch (error) {
    return fail((error as Error).message);
  }
}
