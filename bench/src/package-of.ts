/** The package a script URL belongs to: `@aiotel/<name>` for ours, the node_modules package otherwise. */
export function packageOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) {
    const rest = url.slice(i + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ours = /\/packages\/([^/]+)\//.exec(url);
  if (ours) return `@aiotel/${ours[1]}`;
  if (url.includes('/bench/')) return 'bench harness';
  return url;
}
