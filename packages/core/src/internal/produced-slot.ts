// A base whose constructor returns the object it is given: `new ProducedSlot(value)` then adds the
// subclass's private field to `value` itself (the "return override" of class constructors).
// eslint-disable-next-line @typescript-eslint/no-extraneous-class
class Stamped {
  constructor(target: object) {
    return target
  }
}

/**
 * A hidden slot on the objects core hands out for a request (verified tokens, users, principals),
 * in which each pipeline that hands one out leaves its brand, so `pipeline.produced(value)` is a
 * field read. It replaces a `WeakSet` of every value produced: an entry per request is an ephemeron
 * that the garbage collector visits in every scavenge while its key is young (a `WeakMap` per
 * request halved Hono's throughput).
 *
 * The slot is a private field: invisible to `Object.keys`, `Reflect.ownKeys`, JSON and equality in
 * tests, and impossible to forge or copy. It is added when the object is made, before it is frozen:
 * writing an existing private field of a frozen object is allowed, adding one may not stay so (the
 * TC39 proposal "non-extensible applies to private"). Objects without the slot (a custom verifier's
 * results, or another copy of core's) make {@link ProducedSlot.mark} answer `false`, and the caller
 * keeps them some other way.
 *
 * @example
 * ```ts
 * const token = Object.freeze(ProducedSlot.add({ claims }))
 * ProducedSlot.mark(token, brand) // true
 * ProducedSlot.has(token, brand) // true
 * ```
 */
export class ProducedSlot extends Stamped {
  // One brand, or the brands of several pipelines sharing a verifier (and so its cached tokens).
  #by: object | object[] | undefined = undefined

  private constructor(target: object) {
    super(target)
  }

  /**
   * Gives `value` an empty slot, before it is frozen; a value that already has one, or is frozen or
   * sealed already, is returned as it is.
   */
  static add<T extends object>(value: T): T {
    if (!(#by in value) && Object.isExtensible(value)) new ProducedSlot(value)
    return value
  }

  /** Leaves `brand` in the slot of `value`; `false` when `value` has no slot. */
  static mark(value: object, brand: object): boolean {
    if (!(#by in value)) return false
    const by = value.#by
    if (by === undefined) value.#by = brand
    else if (by === brand) return true
    else if (Array.isArray(by)) {
      if (!by.includes(brand)) by.push(brand)
    } else value.#by = [by, brand]
    return true
  }

  /** Whether `brand` is in the slot of `value`; `undefined` when `value` has no slot. */
  static has(value: object, brand: object): boolean | undefined {
    if (!(#by in value)) return undefined
    const by = value.#by
    return by === brand || (Array.isArray(by) && by.includes(brand))
  }
}
