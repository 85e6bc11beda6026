-- tasksim: a small operating-system-kernel simulation in the spirit of the
-- Richards benchmark: prioritised tasks (idle, worker, two handlers, two
-- devices) pass packets through queues under a scheduler.
-- Exercises: objects built with setmetatable, method calls resolved through a
-- two-level __index chain (instance -> class -> base class), virtual dispatch,
-- linked lists of small tables, field reads/writes, booleans.
-- Usage: tasksim.lua [idleSteps]   (default idleSteps = 200000)
local idleSteps = tonumber(arg and arg[1]) or 200000

local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  function c.new(...)
    local o = setmetatable({}, c)
    o:init(...)
    return o
  end
  return c
end

local WORK, DEVICE = 1, 2
local IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = 1, 2, 3, 4, 5, 6
local DATA_SIZE = 4

---------------------------------------------------------------- packets
local Packet = class()
function Packet:init(kind)
  self.kind = kind
  self.link = nil
  self.owner = 0
  self.value = 0
  self.data = {}
  for i = 1, DATA_SIZE do self.data[i] = 0 end
end

-- A FIFO of packets threaded through their link fields.
local Queue = class()
function Queue:init() self.head = nil; self.tail = nil; self.size = 0 end
function Queue:push(p)
  p.link = nil
  if self.tail then self.tail.link = p else self.head = p end
  self.tail = p
  self.size = self.size + 1
end
function Queue:pop()
  local p = self.head
  if p then
    self.head = p.link
    if not self.head then self.tail = nil end
    p.link = nil
    self.size = self.size - 1
  end
  return p
end
function Queue:isEmpty() return self.head == nil end
function Queue:peek() return self.head end

---------------------------------------------------------------- scheduler
local Scheduler = class()
function Scheduler:init()
  self.tasks = {}
  self.byId = {}
  self.queueCount = 0
  self.holdCount = 0
  self.switches = 0
  self.running = true
  self.current = nil
end
function Scheduler:add(task)
  self.byId[task.id] = task
  local ts = self.tasks
  local pos = #ts + 1
  while pos > 1 and ts[pos - 1].priority < task.priority do
    ts[pos] = ts[pos - 1]
    pos = pos - 1
  end
  ts[pos] = task
end
function Scheduler:send(p, targetId)
  self.queueCount = self.queueCount + 1
  p.owner = self.current.id
  self.byId[targetId]:deliver(p)
end
function Scheduler:release(id) self.byId[id].held = false end
function Scheduler:holdCurrent()
  self.holdCount = self.holdCount + 1
  self.current.held = true
end
function Scheduler:waitCurrent() self.current.waiting = true end
function Scheduler:stop() self.running = false end
function Scheduler:run()
  local ts = self.tasks
  local n = #ts
  while self.running do
    local picked = nil
    for i = 1, n do
      local t = ts[i]
      if t:isRunnable() then picked = t; break end
    end
    if not picked then break end
    self.current = picked
    self.switches = self.switches + 1
    picked:run(picked:take())
  end
end

---------------------------------------------------------------- tasks
local Task = class()
function Task:init(sched, id, priority)
  self.sched = sched
  self.id = id
  self.priority = priority
  self.inbox = Queue.new()
  self.waiting = true
  self.held = false
  sched:add(self)
end
function Task:deliver(p)
  self.inbox:push(p)
  self.waiting = false
end
function Task:isRunnable()
  if self.held then return false end
  return not self.waiting or not self.inbox:isEmpty()
end
function Task:take() return self.inbox:pop() end

local IdleTask = class(Task)
function IdleTask:init(sched, id, priority, steps)
  Task.init(self, sched, id, priority)
  self.remaining = steps
  self.seed = 1
  self.waiting = false
end
function IdleTask:run(_)
  local s = self.sched
  self.remaining = self.remaining - 1
  if self.remaining == 0 then return s:stop() end
  self.seed = (self.seed * 5 + 3) % 65536
  if self.seed % 4 < 2 then s:release(DEVICE_A) else s:release(DEVICE_B) end
end

local WorkerTask = class(Task)
function WorkerTask:init(sched, id, priority)
  Task.init(self, sched, id, priority)
  self.destination = HANDLER_A
  self.letter = 0
end
function WorkerTask:run(p)
  if not p then return self.sched:waitCurrent() end
  if self.destination == HANDLER_A then self.destination = HANDLER_B else self.destination = HANDLER_A end
  p.value = 1
  local data = p.data
  for i = 1, DATA_SIZE do
    self.letter = self.letter % 26 + 1
    data[i] = self.letter
  end
  self.sched:send(p, self.destination)
end

local HandlerTask = class(Task)
function HandlerTask:init(sched, id, priority, deviceId)
  Task.init(self, sched, id, priority)
  self.deviceId = deviceId
  self.work = Queue.new()
  self.devices = Queue.new()
end
function HandlerTask:run(p)
  if p then
    if p.kind == WORK then self.work:push(p) else self.devices:push(p) end
  end
  local w = self.work:peek()
  if not w then return self.sched:waitCurrent() end
  local index = w.value
  if index > DATA_SIZE then
    self.work:pop()
    return self.sched:send(w, WORKER)
  end
  local d = self.devices:pop()
  if not d then return self.sched:waitCurrent() end
  d.value = w.data[index]
  w.value = index + 1
  self.sched:send(d, self.deviceId)
end

local DeviceTask = class(Task)
function DeviceTask:init(sched, id, priority)
  Task.init(self, sched, id, priority)
  self.pending = nil
  self.output = 0
end
function DeviceTask:run(p)
  if not p then
    local q = self.pending
    if not q then return self.sched:waitCurrent() end
    self.pending = nil
    return self.sched:send(q, q.owner)
  end
  self.pending = p
  self.output = (self.output * 31 + p.value) % 1000003
  self.sched:holdCurrent()
end

---------------------------------------------------------------- main
local sched = Scheduler.new()
IdleTask.new(sched, IDLE, 0, idleSteps)
local worker = WorkerTask.new(sched, WORKER, 1000)
local ha = HandlerTask.new(sched, HANDLER_A, 2000, DEVICE_A)
local hb = HandlerTask.new(sched, HANDLER_B, 3000, DEVICE_B)
local da = DeviceTask.new(sched, DEVICE_A, 4000)
local db = DeviceTask.new(sched, DEVICE_B, 5000)
for _ = 1, 2 do worker:deliver(Packet.new(WORK)) end
for _ = 1, 3 do
  ha:deliver(Packet.new(DEVICE))
  hb:deliver(Packet.new(DEVICE))
end
sched:run()

print(string.format("switches=%d queued=%d held=%d", sched.switches, sched.queueCount, sched.holdCount))
print(string.format("device output: %d %d", da.output, db.output))
