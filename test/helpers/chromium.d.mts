import type { ChildProcess } from 'node:child_process';

export const CHROMIUM: string;
export function chromiumAvailable(): boolean;
export type Page = (method: string, params?: Record<string, unknown>) => Promise<any>;
export interface Chromium {
  child: ChildProcess;
  exited: Promise<unknown>;
  failed: Promise<never>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
export function launchChromium(): Promise<Chromium>;
