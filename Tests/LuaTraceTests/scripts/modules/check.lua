-- Helpers shared by the library test scripts (loaded with require("modules.check")).
local M = {}

-- Calls f(...) and prints "ok" and its results, or "error" and the message with its
-- "chunk:line:" position replaced by "POS:" (positions depend on the caller's file).
function M.E(f, ...)
  local r = table.pack(pcall(f, ...))
  if r[1] then
    print("ok", table.unpack(r, 2, r.n))
  else
    print("error", (string.gsub(tostring(r[2]), "^[^:]*:%d+: ", "POS: ")))
  end
end

-- A printer for the io scripts: pcall's status and the message without its position, with
-- the temporary path prefix `base` shown as TMP.
function M.perrFor(base)
  return function(f, ...)
    local ok, e = pcall(f, ...)
    e = tostring(e):gsub("^[^:]*:%d+: ", "")
    local i, j = e:find(base, 1, true)
    if i then e = e:sub(1, i - 1) .. "TMP" .. e:sub(j + 1) end
    print(ok, e)
  end
end

return M
