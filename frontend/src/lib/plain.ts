// Plain<T> is the JSON shape of a generated Wails model: the fields of the class,
// without its methods (convertValues) and constructor, all the way down. The UI sends
// and receives plain objects, never instances of the generated classes.
//
// Go encodes a nil slice or map as null, so every list and map field may be null.

type Method = Function;

export type Plain<T> = T extends Method
  ? never
  : T extends readonly (infer E)[]
    ? Plain<E>[] | null
    : T extends object
      ? string extends keyof T
        ? { [K in keyof T]: Plain<T[K]> } | null
        : { [K in keyof T as T[K] extends Method ? never : K]: Plain<T[K]> }
      : T;
