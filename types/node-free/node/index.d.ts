// Deliberately empty: this is not Node's type library.
//
// src/ runs on Cloudflare Workers, so src/tsconfig.json and src/client/tsconfig.json load no
// Node types. `"types"` alone cannot keep them out: a package's own typings may say
// `/// <reference types="node" />` (stripe's esm/Types.d.ts does), and TypeScript then loads
// @types/node for the whole program, globals included (Buffer, process, setImmediate…).
// Those two configs list this folder first in `typeRoots`, so that reference resolves here,
// to nothing, and a Node API in src/ is a type error. What stripe's typings take from Node
// (Buffer in a few signatures) is left unresolved in its .d.ts, which `skipLibCheck` skips.
export {};
