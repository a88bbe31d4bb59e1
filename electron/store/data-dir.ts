import os from 'node:os';
import path from 'node:path';

const APP = 'sij-reader';

/**
 * Where the workstation keeps its database: `--data-dir`, else SIJ_DATA_DIR, else the per-user
 * application data folder of the platform (as Electron's userData would be).
 */
export function resolveDataDir(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (flag) return path.resolve(flag);
  if (env.SIJ_DATA_DIR) return path.resolve(env.SIJ_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP);
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), APP);
}

export const STORE_FILE = 'sij.db';
