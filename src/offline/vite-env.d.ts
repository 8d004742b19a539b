// import.meta.env (PROD, BASE_URL) as Vite defines it, for src/main.ts
/// <reference types="vite/client" />
