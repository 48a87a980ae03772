/** Parses command-line values strictly, with messages that name the option. */
import { InvalidArgumentError } from 'commander';

/** A whole number within [min, max], or a usage error naming the range. */
export function intOption(name: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    const n = Number(text);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}.`);
    return n;
  };
}

/** A positive decimal number up to max. */
export function numberOption(name: string, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${name} must be a number greater than 0 and at most ${max}.`);
    return n;
  };
}
