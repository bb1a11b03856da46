/**
 * The Lua scripts behind the store, one per operation, each atomic in Redis. Times come from the caller (epoch ms);
 * bucket ends of sliding windows are computed by the caller too, so the in-process and the Redis store agree.
 * Amounts are floats (USD): they travel as strings, since Redis turns a Lua number into an integer reply.
 */

/** KEYS[1] zset of holders scored by lease end. ARGV: holder, limit, leaseMs, now. Returns 1 when taken. */
export const ACQUIRE_SLOT = `
local now = tonumber(ARGV[4])
local leaseEnd = now + tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local taken = 0
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], leaseEnd, ARGV[1])
  taken = 1
end
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
return taken
`;

/** KEYS[1] zset of holders. ARGV: holder, leaseMs, now. Extends a held slot's lease. */
export const RENEW_SLOT = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[3]) + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[2]))
end
return 0
`;

/** Drops buckets that left the window (end <= from) and returns the total of the rest. */
const WINDOW_TOTAL_FN = `
local function windowTotal(key, from)
  local all = redis.call('HGETALL', key)
  local total = 0
  local ends = {}
  for i = 1, #all, 2 do
    local e = tonumber(all[i])
    if e <= from then
      redis.call('HDEL', key, all[i])
    else
      local amount = tonumber(all[i + 1])
      total = total + amount
      ends[#ends + 1] = { e, amount }
    end
  end
  return total, ends
end
`;

/** KEYS[1] hash bucket end -> amount. ARGV: from. Returns the total as a string. */
export const WINDOW_TOTAL = `${WINDOW_TOTAL_FN}
local total = windowTotal(KEYS[1], tonumber(ARGV[1]))
return tostring(total)
`;

/** KEYS[1] hash. ARGV: from, bucket end, amount, ttlMs. Returns the new total as a string. */
export const WINDOW_ADD = `${WINDOW_TOTAL_FN}
local total = windowTotal(KEYS[1], tonumber(ARGV[1]))
redis.call('HINCRBYFLOAT', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return tostring(total + tonumber(ARGV[3]))
`;

/**
 * KEYS[1] hash. ARGV: from, bucket end, amount, limit, windowMs, now, ttlMs. Adds the amount when it fits and
 * returns '0'; otherwise returns the ms until enough has left the window.
 */
export const WINDOW_TAKE = `${WINDOW_TOTAL_FN}
local total, ends = windowTotal(KEYS[1], tonumber(ARGV[1]))
local amount = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local need = math.min(amount, limit)
if total + need <= limit then
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
  return '0'
end
table.sort(ends, function(a, b) return a[1] < b[1] end)
local left = total
for _, bucket in ipairs(ends) do
  left = left - bucket[2]
  if left + need <= limit then
    return tostring(math.max(1, bucket[1] + tonumber(ARGV[5]) - tonumber(ARGV[6])))
  end
end
return ARGV[5]
`;

/** KEYS[1] string: held until (epoch ms). ARGV: until, now. Keeps the later of the two. */
export const HOLD_UNTIL = `
local heldTo = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if heldTo > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, heldTo - tonumber(ARGV[2])))
end
return 0
`;

/** KEYS[1] hash failures/openedAt/probeUntil. ARGV: threshold, now, ttlMs. Returns {failures, openedAt, probeUntil}. */
export const BREAKER_FAILURE = `
local r = redis.call('HMGET', KEYS[1], 'failures', 'openedAt', 'probeUntil')
local failures = tonumber(r[1] or '0')
local openedAt = tonumber(r[2] or '0')
local probeUntil = tonumber(r[3] or '0')
local now = tonumber(ARGV[2])
if openedAt ~= 0 then
  if probeUntil ~= 0 then openedAt = now end
  failures = 0
elseif failures + 1 >= tonumber(ARGV[1]) then
  openedAt = now
  failures = 0
else
  failures = failures + 1
end
redis.call('HSET', KEYS[1], 'failures', failures, 'openedAt', openedAt, 'probeUntil', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return { failures, openedAt, 0 }
`;

/** KEYS[1] breaker hash. Closes it; returns 1 when it was open or half-open. */
export const BREAKER_SUCCESS = `
local openedAt = tonumber(redis.call('HGET', KEYS[1], 'openedAt') or '0')
redis.call('DEL', KEYS[1])
if openedAt ~= 0 then return 1 end
return 0
`;

/** KEYS[1] breaker hash. ARGV: halfOpenAfterMs, leaseMs, now. Returns 1 when this caller claimed the probe. */
export const BREAKER_CLAIM_PROBE = `
local r = redis.call('HMGET', KEYS[1], 'openedAt', 'probeUntil')
local openedAt = tonumber(r[1] or '0')
local probeUntil = tonumber(r[2] or '0')
local now = tonumber(ARGV[3])
if openedAt == 0 or now < openedAt + tonumber(ARGV[1]) or probeUntil > now then return 0 end
redis.call('HSET', KEYS[1], 'probeUntil', now + tonumber(ARGV[2]))
return 1
`;
