-- A B2B service company: which channel brings which customers, and what
-- should we improve first?
--
-- The question this scenario answers: which channel brings the requests and
-- contracts of each customer group, and which of three improvements pays:
-- case studies in the content channels, answering every request within the
-- hour, or a personal account manager for the larger clients?
--
-- The company sells IT support by subscription (help desk, monitoring,
-- backups) to other companies. Following the B2B practice of journey maps,
-- it first groups its customers and describes each group with the 5W method
-- (what they buy, who they are, why, when and where they look), then draws
-- the funnel of each group, with the channels that reach it:
--
--   smb_owner    owners of small businesses: search ads, the Telegram channel
--   it_manager   heads of IT of mid-size companies: webinars, the channel
--   procurement  procurement specialists of large companies: tenders
--
-- The 5W descriptions are in the persona library: personas/smb_owner.lua,
-- personas/it_manager.lua and personas/procurement.lua; `cjmsim check`
-- prints them. Each channel is a stage of the journey, so the
-- funnel tells how many companies each channel brought.
--
--   cjmsim check scripts/b2b_services.lua
--   cjmsim run scripts/b2b_services.lua
--
-- Probabilities are DAILY. A company in "need" finds us through a search ad
-- with 0.010 a day, and stops looking (solves it otherwise, or picks a
-- competitor) with 0.030 a day; `cjmsim check` shows the resulting shares.

scenario {
  name = "B2B IT services",
  question = "Which channel brings which customers, and which improvement pays: case studies, a fast answer or an account manager?",
  days = 365,           -- a year: contracts are quarterly and renew
  customers = 20000,    -- companies in the market that have the need
  seed = 11,
  margin = 0.35,
  currency = "RUB",
}

-- The customer groups, from the persona library; the shares are this
-- market's.
include "smb_owner"   { share = 0.60 }
include "it_manager"  { share = 0.30 }
include "procurement" { share = 0.10 }

-- The journey: a need, a channel that reaches the company, a request, a
-- proposal, a contract, the service, and renewals.

stage "need" {
  entry = true,
  description = "The company has an IT problem it wants somebody else to solve",
  thoughts = "Something has to change: we lose time and money on IT",
}

-- The channels.
stage "search_ads" {
  touchpoints = { "search ad", "landing page" },
  actions = "Searches 'IT support for an office', compares three sites",
}
stage "telegram" {
  touchpoints = { "Telegram channel", "posts with checklists", "a peer's recommendation" },
  actions = "Reads the channel for a few weeks before asking",
}
stage "webinar" {
  touchpoints = { "webinar", "recording", "slides by e-mail" },
  actions = "Listens to an engineer explain how monitoring is done",
  emotion = 1,          -- meeting the engineers builds trust
}
stage "tender" {
  touchpoints = { "tender platform", "tender documents" },
  actions = "Publishes a tender and collects bids",
}

stage "request" {
  touchpoints = { "request form", "phone", "e-mail" },
  actions = "Leaves a request",
  thoughts = "Will they call back, or is it another sales robot?",
}
stage "proposal" {
  touchpoints = { "meeting with a manager", "commercial proposal" },
  actions = "Discusses the scope and the price",
  -- the customer's goal at this stage: make sure the whole offer is worth its budget
  thoughts = "Is it worth the money? What exactly is included?",
}
stage "contract" {
  purchase = true,
  value = { smb_owner = 90000, it_manager = 300000, procurement = 900000 },  -- one quarter
  touchpoints = { "contract", "invoice" },
}
stage "service" {
  emotion = 1,          -- things work
  touchpoints = { "help desk", "monthly report", "engineer on site" },
  thoughts = "Do they keep their promises?",
}
stage "lost"    { terminal = true, description = "Solved it otherwise or chose a competitor" }
stage "churned" { terminal = true, description = "Was a client, did not renew" }

-- Which channel reaches whom: a table per persona (0 where a channel does
-- not reach the group). Owners search and read Telegram; heads of IT come
-- to webinars; procurement buys through tenders.
transition("need", "search_ads", { smb_owner = 0.010, it_manager = 0.004, procurement = 0.002 })
transition("need", "telegram",   { smb_owner = 0.008, it_manager = 0.004, procurement = 0 })
transition("need", "webinar",    { smb_owner = 0.001, it_manager = 0.008, procurement = 0 })
transition("need", "tender",     { smb_owner = 0,     it_manager = 0,     procurement = 0.012 })
transition("need", "lost", 0.030)

-- From a channel to a request: the warmer the channel, the more requests.
-- Search: 0.04 / (0.04 + 0.16) = 20%; Telegram 0.05 / 0.15 = 33%;
-- webinar 0.08 / 0.20 = 40%; tender: we bid on 60% of the tenders we see.
transition("search_ads", "request", 0.04)
transition("search_ads", "lost", 0.16)
transition("telegram", "request", 0.05)
transition("telegram", "lost", 0.10)
transition("webinar", "request", 0.08)
transition("webinar", "lost", 0.12)
transition("tender", "request", 0.30)
transition("tender", "lost", 0.20)

-- A manager answers in two days on average; some companies do not wait:
-- 0.5 / (0.5 + 0.1) = 83% get a proposal.
transition("request", "proposal", 0.5)
transition("request", "lost", 0.1)

-- The proposal becomes a contract: owners decide fastest, tenders slowest.
transition("proposal", "contract", { smb_owner = 0.04, it_manager = 0.03, procurement = 0.02 })
transition("proposal", "lost", 0.04)

-- Onboarding takes a week after the first contract; a renewal goes straight
-- back to service (c.purchases counts the contracts so far).
transition("contract", "service", function(c)
  if c.purchases > 1 then return 1 end
  return c.days_in_stage >= 7 and 1 or 0
end)

-- A contract is for a quarter: after 90 days in service the client renews
-- (a new contract) with the persona's daily chance (c.renewal), or leaves.
-- A client in a good mood leaves less often.
transition("service", "contract", function(c)
  if c.days_in_stage < 90 then return 0 end
  return c.renewal
end)
transition("service", "churned", function(c) return 0.002 - 0.0005 * c.mood end)

-- The improvements to compare.

intervention "case_studies" {
  description = "A case study a week in the Telegram channel and at the end of every webinar",
  channel = "content",
  scale = { ["telegram->request"] = 1.4, ["webinar->request"] = 1.3 },
  cost_per_customer = 150,  -- writing the cases, per company that reads them
}

intervention "fast_answer" {
  description = "A manager calls back within the hour, every working day",
  channel = "phone",
  set = { ["request->proposal"] = 0.9 },  -- nearly everybody gets a proposal the next day
  at = "proposal", mood = 1,              -- and feels taken seriously
  cost_per_use = 1500,                    -- a manager's hour per proposal
}

intervention "account_manager" {
  description = "A personal account manager with a monthly call, for the larger clients",
  channel = "account management",
  personas = { "it_manager", "procurement" },
  at = "service", mood = 1,
  scale = { ["service->churned"] = 0.5 },
  cost_per_customer = 60000,  -- a share of the manager's salary per client
}
