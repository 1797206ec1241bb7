-- A string that doubles until memory runs out.
stage "visit" { entry = true }
local s = "x"
while true do s = s .. s end
