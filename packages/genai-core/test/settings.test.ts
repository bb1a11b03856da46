import { describe, expect, it } from 'vitest';
import {
  booleanSetting,
  nameListSetting,
  oneOfSetting,
  positiveIntegerSetting,
  resolveSetting,
  type Setting,
  textSetting,
} from '../src/settings.js';

const FLAG: Setting<boolean> = { option: 'flag', env: 'FLAG', parser: booleanSetting, default: true };
const SIZE: Setting<number> = { option: 'size', env: 'SIZE', parser: positiveIntegerSetting, default: 16 };
const NAME: Setting<string | undefined> = {
  option: 'name',
  env: 'NAME',
  parser: textSetting,
  default: undefined,
};
const MODE: Setting<'a' | 'b'> = {
  option: 'mode',
  env: 'MODE',
  parser: oneOfSetting(['a', 'b']),
  default: 'a',
};
const KEYS: Setting<readonly string[]> = {
  option: 'keys',
  env: 'KEYS',
  parser: nameListSetting(/^[^\s;=]+$/, { one: 'an attribute key', many: 'attribute keys' }),
  default: [],
};

function resolve<T>(setting: Setting<T>, option: unknown, env: Record<string, string>): [T, string[]] {
  const warnings = new Set<string>();
  return [resolveSetting(setting, option, env, warnings), [...warnings]];
}

describe('resolveSetting', () => {
  it('takes the option in code over the variable, the variable over the default', () => {
    expect(resolve(FLAG, false, { FLAG: 'true' })).toEqual([false, []]);
    expect(resolve(FLAG, undefined, { FLAG: ' FALSE ' })).toEqual([false, []]);
    expect(resolve(FLAG, undefined, {})).toEqual([true, []]);
    expect(resolve(FLAG, undefined, { FLAG: '  ' })).toEqual([true, []]);
  });

  it('gives one warning for a bad variable, saying what is used instead', () => {
    expect(resolve(FLAG, undefined, { FLAG: 'nope' })).toEqual([
      true,
      ['FLAG="nope" is not true or false; using true.'],
    ]);
    expect(resolve(SIZE, undefined, { SIZE: '-5' })).toEqual([
      16,
      ['SIZE="-5" is not a positive whole number; using 16.'],
    ]);
    expect(resolve(MODE, undefined, { MODE: 'c' })).toEqual(['a', ['MODE="c" is not one of a, b; using a.']]);
  });

  it('gives one warning for a bad option, then uses the variable or the default', () => {
    expect(resolve(SIZE, -3, {})).toEqual([16, ['size=-3 is not a positive whole number; using 16.']]);
    expect(resolve(SIZE, 1.5, { SIZE: '100' })).toEqual([
      100,
      ['size=1.5 is not a positive whole number; using 100.'],
    ]);
    expect(resolve(NAME, '  ', {})).toEqual([
      undefined,
      ['name="  " is not a non-empty string; ignoring it.'],
    ]);
  });

  it('reads words in any case, and trims text', () => {
    expect(resolve(MODE, undefined, { MODE: 'B' })).toEqual(['b', []]);
    expect(resolve(NAME, ' anthropic ', {})).toEqual(['anthropic', []]);
  });

  it('skips each list item that is not a name, with its own warning, and keeps the others', () => {
    expect(resolve(KEYS, undefined, { KEYS: 'app.feature, app.tenant,,' })).toEqual([
      ['app.feature', 'app.tenant'],
      [],
    ]);
    expect(resolve(KEYS, undefined, { KEYS: 'app.feature; app.tenant,app.region' })).toEqual([
      ['app.region'],
      ['KEYS: "app.feature; app.tenant" is not an attribute key (separate them with commas); skipping it.'],
    ]);
    expect(resolve(KEYS, [' app.feature '], {})).toEqual([['app.feature'], []]);
    expect(resolve(KEYS, ['a b'], {})[1]).toEqual([
      'keys=["a b"] is not a comma-separated list of attribute keys; using [].',
    ]);
  });
});
