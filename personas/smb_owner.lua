-- smb_owner: the owner of a small business (10 to 50 people) who needs IT
-- support and has nobody to give it to. A B2B customer group described with
-- the 5W method; used in scripts/b2b_services.lua.
--
--   include "smb_owner" { share = 0.6 }
--
-- Attributes that transition functions can read:
--   c.renewal    daily chance to renew once a quarter of service is over: 0.20
--   c.employees  people in the company: 25

persona "smb_owner" {
  mood = 0,
  -- the 5W method: what they buy, who they are, why, when and where
  what = "IT support by subscription: computers, network, accounts, backups",
  who = "Owner or director of a company of 10 to 50 people",
  why = "Every outage stops sales; a full-time system administrator costs too much",
  when = "Right after a failure, or when moving to a new office",
  where = "Searches the web, asks other owners in Telegram chats",
  needs = "A fixed monthly price and somebody who picks up the phone",
  pains = { "Does not understand IT and fears being overcharged", "Has been let down by freelancers" },
  goals = "Forget about IT",
  channels = { "search ads", "Telegram channel", "a recommendation" },
  renewal = 0.20,
  employees = 25,
}
