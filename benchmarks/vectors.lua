-- vectors: particles bouncing in a box, written with a 3-D vector class whose
-- arithmetic goes through metamethods (__add, __sub, __mul, __unm, __eq,
-- __index methods), creating many short-lived vector objects.
-- Exercises: arithmetic metamethods, setmetatable on fresh tables, method
-- calls, allocation/GC of small objects, float math.
-- Usage: vectors.lua [steps]   (default steps = 2200; 100 particles)
local steps = tonumber(arg and arg[1]) or 2200
local count = 100

local Vec = {}
Vec.__index = Vec
local function vec(x, y, z) return setmetatable({ x = x, y = y, z = z }, Vec) end
Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y, a.z + b.z) end
Vec.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y, a.z - b.z) end
Vec.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y, a * b.z) end
  if type(b) == "number" then return vec(a.x * b, a.y * b, a.z * b) end
  return a.x * b.x + a.y * b.y + a.z * b.z -- dot product
end
Vec.__unm = function(a) return vec(-a.x, -a.y, -a.z) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y and a.z == b.z end
function Vec:length() return math.sqrt(self * self) end
function Vec:scaled(k) return vec(self.x * k, self.y * k, self.z * k) end
function Vec:normalized()
  local len = self:length()
  if len == 0 then return vec(0, 0, 0) end
  return self:scaled(1 / len)
end

local seed = 12345
local function rand()
  seed = (seed * 16807) % 2147483647
  return seed / 2147483647
end

local particles = {}
for i = 1, count do
  particles[i] = {
    pos = vec(rand() * 10, rand() * 10, rand() * 10),
    vel = vec(rand() - 0.5, rand() - 0.5, rand() - 0.5),
  }
end

local gravity = vec(0, -0.01, 0)
local center = vec(5, 5, 5)
local dt = 0.1
local bounces, still = 0, 0
for _ = 1, steps do
  for i = 1, count do
    local p = particles[i]
    -- pull gently towards the centre, then gravity and drag
    local toCenter = (center - p.pos):normalized() * 0.002
    local v = (p.vel + gravity + toCenter) * 0.999
    local pos = p.pos + v * dt
    -- bounce on the walls of a 10x10x10 box
    if pos.x < 0 or pos.x > 10 then v = vec(-v.x, v.y, v.z); bounces = bounces + 1 end
    if pos.y < 0 or pos.y > 10 then v = vec(v.x, -v.y, v.z); bounces = bounces + 1 end
    if pos.z < 0 or pos.z > 10 then v = vec(v.x, v.y, -v.z); bounces = bounces + 1 end
    if v == -(-v) and pos == p.pos then still = still + 1 end
    p.vel = v
    p.pos = pos
  end
end

local e, m = 0.0, vec(0, 0, 0)
for i = 1, count do
  local p = particles[i]
  e = e + 0.5 * (p.vel * p.vel)
  m = m + p.pos
end
m = m * (1 / count)
print(string.format("bounces=%d still=%d", bounces, still))
print(string.format("kinetic=%.9f", e))
print(string.format("centroid=(%.6f, %.6f, %.6f)", m.x, m.y, m.z))
