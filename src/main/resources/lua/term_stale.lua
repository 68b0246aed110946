-- Takes a term's live state out of service because it is older than MySQL's: the scripts answer
-- TERM_NOT_READY until TermLoader has rebuilt it. Only the generation that was found stale is
-- cleared, so a rebuild another instance finished meanwhile stays live.
-- KEYS: 1 the term hash. ARGV: 1 the stale generation.
if (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'ready')
return 1
