import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { personSchema, type Person } from './schema';

/**
 * The signing reader: the local user profile. `<dataDir>/reader.json` ({ id, name, qualification })
 * when present, else the operating-system account, so every signature names a person.
 */
export function localReaderProfile(dataDir: string): Person {
  const file = path.join(dataDir, 'reader.json');
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: not JSON (${(err as Error).message})`);
    }
    const res = personSchema.safeParse(raw);
    if (!res.success)
      throw new Error(`${file}: needs "id" and "name" strings (${res.error.issues[0].message})`);
    return res.data;
  }
  const user = os.userInfo().username;
  return { id: `local:${user}@${os.hostname()}`, name: user };
}
