-- strpattern: Lua pattern matching over generated text -- gmatch word and
-- number scans, gsub with string/function/table replacements and captures,
-- find (plain and pattern) and match with multiple captures.
-- Exercises: the pattern matcher (character classes, captures, anchors,
-- quantifiers, %b balance), gsub replacement forms, substring creation.
-- Usage: strpattern.lua [lines]   (default lines = 7500; the scan runs 10 times)
local lineCount = tonumber(arg and arg[1]) or 7500
local rounds = 10

local seed = 7
local function rand(n)
  seed = (seed * 16807) % 2147483647
  return seed % n
end

local syll = { "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "xe", "zu", "qua", "bri" }
local function word()
  local w = {}
  for i = 1, 1 + rand(3) do w[i] = syll[rand(#syll) + 1] end
  return table.concat(w)
end

-- Build a log-like text: "2024-05-17 12:34:56 [LEVEL] user=word id=123 (a (b) c) msg"
local levels = { "INFO", "WARN", "ERROR", "DEBUG" }
local lines = {}
for i = 1, lineCount do
  local parts = {
    string.format("2024-%02d-%02d %02d:%02d:%02d", 1 + rand(12), 1 + rand(28), rand(24), rand(60), rand(60)),
    "[" .. levels[rand(4) + 1] .. "]",
    "user=" .. word(),
    "id=" .. rand(100000),
    "(" .. word() .. " (" .. word() .. ") " .. word() .. ")",
    word() .. " " .. word() .. ", " .. word() .. "!",
  }
  lines[i] = table.concat(parts, " ")
end
local text = table.concat(lines, "\n")

local caps = setmetatable({}, { __index = function(t, k) local v = k:upper(); t[k] = v; return v end })

local checksum, words, numbers, errors, parens, replaced = 0, 0, 0, 0, 0, 0
for _ = 1, rounds do
  for w in text:gmatch("%a+") do words = words + 1; checksum = (checksum + #w) % 1000000007 end
  for n in text:gmatch("%d+") do numbers = numbers + 1; checksum = (checksum + tonumber(n)) % 1000000007 end
  for line in text:gmatch("[^\n]+") do
    local y, mo, d, lvl, user, id = line:match("^(%d+)%-(%d+)%-(%d+) [%d:]+ %[(%u+)%] user=(%a+) id=(%d+)")
    if lvl == "ERROR" then errors = errors + 1 end
    checksum = (checksum + tonumber(mo) * tonumber(d) + #user + tonumber(id) % 97) % 1000000007
    local b = line:match("%b()")
    if b then parens = parens + #b end
    if line:find("ru", 1, true) then checksum = checksum + 1 end
    local s, e = line:find("(%a)%1")
    if s then checksum = (checksum + s + e) % 1000000007 end
  end
  -- gsub with a string template, a function and a table
  local t1, n1 = text:gsub("(%a+)=(%w+)", "%2:%1")
  local t2, n2 = t1:gsub("%[(%u+)%]", function(l) return "<" .. l:lower() .. ">" end)
  local t3, n3 = t2:gsub("%f[%a]%l+", caps, 5000)
  replaced = replaced + n1 + n2 + n3
  checksum = (checksum + #t3 + t3:byte(math.floor(#t3 / 2))) % 1000000007
end
print(string.format("words=%d numbers=%d errors=%d parens=%d replaced=%d", words, numbers, errors, parens, replaced))
print(string.format("checksum = %d", checksum))
