// Typings for the one node-forge submodule we import directly (its own file re-exports forge.asn1).
declare module 'node-forge/lib/asn1.js' {
  import type { asn1 } from 'node-forge';
  const mod: typeof asn1;
  export default mod;
}
