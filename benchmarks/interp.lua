-- interp: a tiny language implemented in Lua -- tokenizer, recursive-descent
-- compiler to stack bytecode, and a dispatch-loop virtual machine -- running
-- a program that counts primes by trial division and sums gcds.
-- Exercises: string scanning (find/sub), table-driven parsing, an if-chain
-- bytecode dispatch loop (the classic interpreter-in-an-interpreter load),
-- array stacks, integer arithmetic.
-- Usage: interp.lua [limit]   (default limit = 45000)
local limit = tonumber(arg and arg[1]) or 45000

local source = [[
  var n = LIMIT;
  var count = 0;
  var i = 2;
  while (i < n) {
    var d = 2;
    var prime = 1;
    while (d * d <= i && prime) {
      if (i % d == 0) { prime = 0; }
      d = d + 1;
    }
    if (prime) { count = count + 1; }
    i = i + 1;
  }
  print count;
  var g = 0;
  var a = 1;
  while (a < 400) {
    var b = 1;
    while (b < 60) {
      var x = a; var y = b;
      while (y != 0) { var t = x % y; x = y; y = t; }
      g = g + x;
      b = b + 1;
    }
    a = a + 1;
  }
  print g;
]]
source = source:gsub("LIMIT", tostring(limit))

---------------------------------------------------------------- lexer
local function tokenize(src)
  local toks, n, pos = {}, 0, 1
  local len = #src
  while pos <= len do
    local s, e = src:find("^%s+", pos)
    if s then pos = e + 1 end
    if pos > len then break end
    local tok
    s, e = src:find("^%d+", pos)
    if s then
      tok = { kind = "num", value = tonumber(src:sub(s, e)) }
    else
      s, e = src:find("^[%a_][%w_]*", pos)
      if s then
        tok = { kind = "name", value = src:sub(s, e) }
      else
        s, e = src:find("^[=!<>]=", pos)
        if not s then s, e = src:find("^&&", pos) end
        if not s then s, e = src:find("^||", pos) end
        if not s then s, e = pos, pos end
        tok = { kind = "op", value = src:sub(s, e) }
      end
    end
    n = n + 1
    toks[n] = tok
    pos = e + 1
  end
  n = n + 1
  toks[n] = { kind = "eof", value = "<eof>" }
  return toks
end

---------------------------------------------------------------- compiler
local PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, LE, GT, GE, EQ, NE, JMP, JZ, PRINT, HALT, NOT =
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18
local binops = {
  ["+"] = ADD, ["-"] = SUB, ["*"] = MUL, ["%"] = MOD,
  ["<"] = LT, ["<="] = LE, [">"] = GT, [">="] = GE, ["=="] = EQ, ["!="] = NE,
}
local precedence = {
  ["||"] = 1, ["&&"] = 2,
  ["=="] = 3, ["!="] = 3, ["<"] = 4, ["<="] = 4, [">"] = 4, [">="] = 4,
  ["+"] = 5, ["-"] = 5, ["*"] = 6, ["%"] = 6,
}

local function compile(toks)
  local code, nc = {}, 0
  local slots, nslots = {}, 0
  local p = 1
  local function emit(op, arg) nc = nc + 1; code[nc] = op; nc = nc + 1; code[nc] = arg or 0; return nc end
  local function peek() return toks[p] end
  local function next_() local t = toks[p]; p = p + 1; return t end
  local function expect(v)
    local t = next_()
    if t.value ~= v then error("expected " .. v .. " got " .. tostring(t.value)) end
  end
  local function slot(name)
    local s = slots[name]
    if not s then nslots = nslots + 1; s = nslots; slots[name] = s end
    return s
  end

  local expr
  local function primary()
    local t = next_()
    if t.kind == "num" then emit(PUSH, t.value)
    elseif t.kind == "name" then emit(LOAD, slot(t.value))
    elseif t.value == "(" then expr(0); expect(")")
    elseif t.value == "!" then primary(); emit(NOT)
    else error("unexpected " .. t.value) end
  end
  function expr(minPrec)
    primary()
    while true do
      local op = peek().value
      local prec = precedence[op]
      if not prec or prec <= minPrec then return end
      next_()
      if op == "&&" then
        -- a && b  ==>  a; JZ Lf; b; JZ Lf; PUSH 1; JMP Le; Lf: PUSH 0; Le:
        local j1 = emit(JZ)
        expr(prec)
        local j2 = emit(JZ)
        emit(PUSH, 1)
        local j3 = emit(JMP)
        code[j1] = nc + 1; code[j2] = nc + 1
        emit(PUSH, 0)
        code[j3] = nc + 1
      elseif op == "||" then
        emit(NOT)
        local j1 = emit(JZ)
        expr(prec)
        emit(NOT)
        local j2 = emit(JZ)
        emit(PUSH, 0)
        local j3 = emit(JMP)
        code[j1] = nc + 1; code[j2] = nc + 1
        emit(PUSH, 1)
        code[j3] = nc + 1
      else
        expr(prec)
        emit(binops[op])
      end
    end
  end

  local block
  local function statement()
    local t = peek()
    if t.value == "var" then
      next_()
      local name = next_().value
      expect("=")
      expr(0)
      emit(STORE, slot(name))
      expect(";")
    elseif t.value == "while" then
      next_()
      local top = nc + 1
      expect("(") expr(0) expect(")")
      local jz = emit(JZ)
      block()
      local j = emit(JMP, top)
      code[jz] = j + 1
    elseif t.value == "if" then
      next_()
      expect("(") expr(0) expect(")")
      local jz = emit(JZ)
      block()
      if peek().value == "else" then
        next_()
        local j = emit(JMP)
        code[jz] = nc + 1
        block()
        code[j] = nc + 1
      else
        code[jz] = nc + 1
      end
    elseif t.value == "print" then
      next_()
      expr(0)
      emit(PRINT)
      expect(";")
    else
      local name = next_().value
      expect("=")
      expr(0)
      emit(STORE, slot(name))
      expect(";")
    end
  end
  function block()
    expect("{")
    while peek().value ~= "}" do statement() end
    expect("}")
  end

  while peek().kind ~= "eof" do statement() end
  emit(HALT)
  return code, nslots
end

---------------------------------------------------------------- VM
local function run(code, nslots, out)
  local vars = {}
  for i = 1, nslots do vars[i] = 0 end
  local stack, sp, pc = {}, 0, 1
  local steps = 0
  while true do
    local op, arg = code[pc], code[pc + 1]
    pc = pc + 2
    steps = steps + 1
    if op == LOAD then sp = sp + 1; stack[sp] = vars[arg]
    elseif op == PUSH then sp = sp + 1; stack[sp] = arg
    elseif op == STORE then vars[arg] = stack[sp]; sp = sp - 1
    elseif op == JZ then
      if stack[sp] == 0 then pc = arg end
      sp = sp - 1
    elseif op == JMP then pc = arg
    elseif op == ADD then sp = sp - 1; stack[sp] = stack[sp] + stack[sp + 1]
    elseif op == SUB then sp = sp - 1; stack[sp] = stack[sp] - stack[sp + 1]
    elseif op == MUL then sp = sp - 1; stack[sp] = stack[sp] * stack[sp + 1]
    elseif op == MOD then sp = sp - 1; stack[sp] = stack[sp] % stack[sp + 1]
    elseif op == LT then sp = sp - 1; stack[sp] = stack[sp] < stack[sp + 1] and 1 or 0
    elseif op == LE then sp = sp - 1; stack[sp] = stack[sp] <= stack[sp + 1] and 1 or 0
    elseif op == GT then sp = sp - 1; stack[sp] = stack[sp] > stack[sp + 1] and 1 or 0
    elseif op == GE then sp = sp - 1; stack[sp] = stack[sp] >= stack[sp + 1] and 1 or 0
    elseif op == EQ then sp = sp - 1; stack[sp] = stack[sp] == stack[sp + 1] and 1 or 0
    elseif op == NE then sp = sp - 1; stack[sp] = stack[sp] ~= stack[sp + 1] and 1 or 0
    elseif op == NOT then stack[sp] = stack[sp] == 0 and 1 or 0
    elseif op == PRINT then out[#out + 1] = stack[sp]; sp = sp - 1
    elseif op == HALT then return steps
    else error("bad opcode " .. tostring(op)) end
  end
end

local code, nslots = compile(tokenize(source))
local out = {}
local steps = run(code, nslots, out)
for i = 1, #out do print(string.format("out[%d] = %d", i, out[i])) end
print(string.format("bytecode size = %d, vm steps = %d", #code, steps))
