/**
 * Test only, preloaded with `node --import`: this process's clock (Date) runs RDX_TEST_CLOCK_SHIFT_MS ahead.
 * A Fabric transaction's time is its client's clock and the chaincode's "today" is that time in China, so a
 * process started this way acts on the ledger on a day that has not come yet — how the end-to-end tests reach
 * the day after a grant's last valid day without waiting for it. Timers and TLS are not affected.
 */
const shift = Number(process.env.RDX_TEST_CLOCK_SHIFT_MS ?? '0');
const RealDate = Date;

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + shift);
    // Every other form (a value; year, month, …) is passed on whole: the tuple type only satisfies the compiler.
    else super(...(args as [number]));
  }

  static override now(): number {
    return RealDate.now() + shift;
  }
}

globalThis.Date = ShiftedDate as DateConstructor;
