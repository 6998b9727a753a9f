import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';

/**
 * Opening input files that may be hostile: only a regular file is read (a link to /dev/zero, a
 * FIFO or a directory is refused), and never more than a stated number of bytes. The check is
 * made on the opened descriptor (open, then fstat), so the file cannot be swapped in between;
 * O_NONBLOCK keeps the open itself from hanging on a FIFO and has no effect on a regular file.
 */
export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function describeKind(stats: {
  isDirectory(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(path: string, size: number, maxBytes: number): InputFileError {
  return new InputFileError(
    `${path} is ${size} bytes; at most ${maxBytes} bytes are read (a larger file is refused)`,
  );
}

/** Reads a whole regular file of at most `maxBytes` bytes; throws InputFileError otherwise. */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new InputFileError(`${path} is ${describeKind(stats)}; only a regular file is read`);
    }
    if (stats.size > maxBytes) throw tooLarge(path, stats.size, maxBytes);
    // Room for one byte more than stat gave, so a file that grows while being read is noticed.
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    let read: number;
    do {
      read = readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
    } while (read > 0 && length < buffer.length);
    if (length > stats.size) throw new InputFileError(`${path} changed while it was read`);
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read ${path}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** Opens a regular file for streaming; the caller closes the handle. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new InputFileError(`${path} is ${describeKind(stats)}; only a regular file is read`);
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
