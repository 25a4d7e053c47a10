/**
 * The parent domain of a name, lower-case, without the trailing dot: `cmsweb.octavio.com` ->
 * `octavio.com`. A name whose parent would be a top-level domain (`a.com`) has none: no
 * deployment's domain is `com`, and guessing one would judge records of the wrong zone.
 */
export function parentDomain(name: string | undefined): string | undefined {
  const labels = (name ?? '').trim().replace(/\.$/, '').toLowerCase().split('.');
  return labels.length > 2 && labels.every((l) => l.length > 0) ? labels.slice(1).join('.') : undefined;
}
