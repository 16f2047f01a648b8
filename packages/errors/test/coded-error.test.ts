import { describe, expect, it } from 'vitest';
import { CodedError } from '../src/index.ts';

type ParcelErrorCode = 'PARCEL_LOST' | 'PARCEL_LATE';

class ParcelError extends CodedError<ParcelErrorCode> {}

class ParcelLostError extends ParcelError {
  readonly depot: string;

  constructor(depot: string) {
    super('PARCEL_LOST', `The parcel was lost at ${depot}: ask that depot to search its shelves.`);
    this.depot = depot;
  }
}

describe('CodedError', () => {
  it('When a subclass is thrown, then it carries its code, message and its own class name', () => {
    const error = new ParcelError('PARCEL_LATE', 'The parcel is late: wait one more day.');

    expect(error.code).toBe('PARCEL_LATE');
    expect(error.message).toBe('The parcel is late: wait one more day.');
    expect(error.name).toBe('ParcelError');
    expect(String(error)).toBe('ParcelError: The parcel is late: wait one more day.');
  });

  it('When it wraps another error, then the cause is kept', () => {
    const cause = new Error('connection reset');

    const error = new ParcelError('PARCEL_LATE', 'The parcel is late: wait one more day.', { cause });

    expect(error.cause).toBe(cause);
  });

  it('When a subclass of a subclass is thrown, then it is an instance of each ancestor and names itself', () => {
    const error = new ParcelLostError('north');

    expect(error).toBeInstanceOf(ParcelLostError);
    expect(error).toBeInstanceOf(ParcelError);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ParcelLostError');
    expect(error.code).toBe('PARCEL_LOST');
    expect(error.depot).toBe('north');
  });

  it('When a plain error is checked, then it is not a coded error', () => {
    expect(new Error('boom')).not.toBeInstanceOf(CodedError);
  });
});
