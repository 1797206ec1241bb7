-- Error objects whose __tostring fails, loops or works.
stage "visit" { entry = true }
local e = setmetatable({}, {})
getmetatable(e).__tostring = function(x) error(x) end
pcall(error, e)
local ok = pcall(function() error(setmetatable({}, { __tostring = function() return "t" end })) end)
error(e)
