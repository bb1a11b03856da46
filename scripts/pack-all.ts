// `pnpm pack:all`: builds every package and packs it the way `pnpm publish` would (workspace versions resolved,
// publish exports, README and LICENSE), into one folder to install from until @aiotel/* are on the npm registry.
//
//   pnpm pack:all [--out DIR] [--no-build]      DIR defaults to dist-tarballs/ at the repository root
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runQuietly } from './run-quietly.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES_DIR = join(ROOT, 'packages');

interface PackOptions {
  readonly out: string;
  /** False with `--no-build`: pack what dist/ holds (the tests, which must not rebuild under other test files). */
  readonly build: boolean;
}

function parseArgs(argv: readonly string[]): PackOptions {
  let out = join(ROOT, 'dist-tarballs');
  let build = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') build = false;
    else if (arg === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i] ?? '');
    else if (arg !== '--')
      throw new Error(`unknown argument ${arg}; usage: pnpm pack:all [--out DIR] [--no-build]`);
  }
  return { out, build };
}

/** The pnpm that runs this script (`npx -y pnpm@… pack:all` puts none on PATH), else `pnpm` from PATH. */
function pnpm(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : ['pnpm', []];
}

/** The packages that get published: every packages/* whose package.json is not private, with its CJS entry. */
function publishedPackages(): { dir: string; main: string }[] {
  const packages: { dir: string; main: string }[] = [];
  for (const name of readdirSync(PACKAGES_DIR)) {
    const manifestFile = join(PACKAGES_DIR, name, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.private !== true)
      packages.push({ dir: join(PACKAGES_DIR, name), main: String(manifest.main) });
  }
  return packages;
}

/** `dir/*.tgz` for the shell, quoted when the path needs it. */
function shellGlob(dir: string): string {
  return /^[\w./-]+$/.test(dir) ? `${dir}/*.tgz` : `'${dir.replaceAll("'", `'\\''`)}'/*.tgz`;
}

async function packAll({ out, build }: PackOptions): Promise<number> {
  const [command, prefix] = pnpm();
  if (build && (await runQuietly('build', command, [...prefix, 'build'])).code !== 0) return 1;
  const packages = publishedPackages();
  const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, pkg.main)));
  if (unbuilt.length > 0) {
    const names = unbuilt.map((pkg) => relative(ROOT, join(pkg.dir, pkg.main))).join(', ');
    process.stderr.write(
      `pack:all: not built (${names}); run \`pnpm build\` first, or pnpm pack:all without --no-build\n`,
    );
    return 1;
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const pkg of packages) {
    try {
      execFileSync(command, [...prefix, 'pack', '--pack-destination', out], { cwd: pkg.dir, stdio: 'pipe' });
    } catch (error) {
      const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
      process.stderr.write(`pack:all: pnpm pack failed in ${relative(ROOT, pkg.dir)}:\n${stderr}\n`);
      return 1;
    }
  }
  const tarballs = readdirSync(out).filter((file) => file.endsWith('.tgz'));
  process.stdout.write(
    `${tarballs.length} tarballs in ${out}:\n${tarballs.map((file) => `  ${file}\n`).join('')}\n` +
      'Install them in your app in one command (they depend on each other, and are not on the npm registry yet):\n' +
      `  npm install ${shellGlob(out)} openai\n`,
  );
  return 0;
}

try {
  process.exitCode = await packAll(parseArgs(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`pack:all: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
