/** A clock the test moves by hand, shared by the rings, the rotation and the tokens of one test. */
export function testClock(start = new Date()) {
  let current = start;
  return {
    now: () => current,
    advance(seconds: number) {
      current = new Date(current.getTime() + seconds * 1000);
    },
    set(date: Date) {
      current = date;
    },
  };
}
