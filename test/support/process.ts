// Process checks shared by the tests that prove nothing outlives its parent.
import { readFileSync } from 'node:fs';

/** True while a process with this pid exists and is not a zombie (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed after its parent died is a zombie until init reaps it: dead for our purposes.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false; // gone between the two checks
  }
}
