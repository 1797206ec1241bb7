-- Few instructions, much copying: only a deadline stops it.
local s = ""
while true do s = #s .. s end
