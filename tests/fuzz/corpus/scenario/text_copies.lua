-- One long string used as many texts: the copies count against the memory cap.
local s = string.rep("x", 2 * 1024 * 1024)
local t = {}
for i = 1, 40 do t[i] = s end
stage "visit" { entry = true, description = t, thoughts = t }
persona "p" { share = 1, who = t, tag = s }
