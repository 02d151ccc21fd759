import { CliError, usageError } from './cli-error.js';

/** What an operating-system error code means to someone at a terminal. */
const MEANING: Record<string, string> = {
  ENOENT: 'there is no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'it exists already',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many files are open',
};

const FIX = {
  read: 'check the path and that you may read it',
  write: 'check that the folder exists and that you may write there',
} as const;

/** "cannot read FILE: there is no such file or folder; check the path …", never a bare ENOENT. */
export function fileProblem(error: unknown, file: string, verb: keyof typeof FIX): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const meaning = (code && MEANING[code]) ?? (code ? `the system said ${code}` : (error as Error)?.message ?? String(error));
  return `cannot ${verb} ${file}: ${meaning}; ${FIX[verb]}`;
}

/** The usage error (exit 2) for a file the user named that cannot be read or written. */
export const fileError = (error: unknown, file: string, verb: keyof typeof FIX): CliError => usageError(fileProblem(error, file, verb));
