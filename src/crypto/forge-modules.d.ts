// Typings for the node-forge submodules imported directly: the certificate code needs x509 (which
// brings asn1 and util with it), not all of forge (~10 ms more to load on Node 20).
declare module 'node-forge/lib/x509.js' {
  import type { pki } from 'node-forge';
  const mod: typeof pki;
  export default mod;
}
declare module 'node-forge/lib/asn1.js' {
  import type { asn1 } from 'node-forge';
  const mod: typeof asn1;
  export default mod;
}
declare module 'node-forge/lib/util.js' {
  import type { util } from 'node-forge';
  const mod: typeof util;
  export default mod;
}
