// @peculiar/x509 resolves its services through tsyringe, which needs the
// reflect-metadata polyfill loaded before it (dependency-findings.md §3.3).
import 'reflect-metadata';
import * as px from '@peculiar/x509';

export { px };
