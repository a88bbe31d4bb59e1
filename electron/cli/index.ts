import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { UsageError, type CliCommand } from './command';

const commandsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/** Sub-commands are discovered from ./commands so each feature adds its own file. */
async function loadCommands(): Promise<Map<string, CliCommand>> {
  const files = readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const commands = new Map<string, CliCommand>();
  for (const file of files.sort()) {
    const mod = (await import(pathToFileURL(path.join(commandsDir, file)).href)) as { command?: CliCommand };
    if (mod.command) commands.set(mod.command.name, mod.command);
  }
  return commands;
}

function help(commands: Map<string, CliCommand>): string {
  const lines = ['usage: sij <command> [options]', '', 'commands:'];
  for (const c of commands.values()) lines.push(`  ${c.name.padEnd(14)} ${c.summary}`);
  lines.push('', 'Run `sij <command> --help` for its options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help(commands) + '\n');
    return name ? 0 : 2;
  }
  const command = commands.get(name);
  if (!command) {
    process.stderr.write(`sij: unknown command '${name}'\n${help(commands)}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sij ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`sij ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
