// The Frictionless Data project's JavaScript library (datapackage@1.1.10) ships no types: the part the tests use.
declare module 'datapackage' {
  interface Resource {
    readonly name: string;
    readonly valid: boolean;
    readonly errors: Error[];
    /** Casts every row by the Table Schema; `relations` resolves the foreign keys. Rejects on the first bad row. */
    read(options?: { relations?: boolean }): Promise<unknown[][]>;
  }
  interface Package {
    readonly valid: boolean;
    readonly errors: Error[];
    readonly resources: Resource[];
    getResource(name: string): Resource | null;
  }
  const datapackage: {
    Package: { load(descriptor: string | object, basePath?: string, strict?: boolean): Promise<Package> };
  };
  export default datapackage;
}
