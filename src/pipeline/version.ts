/**
 * The tool's own version for the CLI's `--version` (docs/architecture.md §"CLI"): the CLI may import
 * only pipeline/ and the pure layers, so the store's reader is passed through here.
 */
export { toolVersion } from '../store/package-paths.js';
