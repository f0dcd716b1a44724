# ruff: noqa: E501  (hand-written text templates)
"""Hand-written text templates for the demo organisation, per topic, with slots filled from
per-topic vocabularies. A body with Markdown markup (a list, bold) is rendered with the product's
Markdown renderer; plain paragraphs with `render_plain_paragraphs`.

Slots: {mention} is replaced by "@username" of someone who can read the text, {expert} by
"@username" of someone in the department asked, {tag} by a "#tag" of the topic; every other
{slot} comes from the topic's vocabulary (or COMMON).
"""

COMMON = {
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "month": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"],
    "quarter": ["Q1", "Q2", "Q3", "Q4"],
    "n": ["2", "3", "4", "5", "6", "8", "10", "12"],
    "pct": ["5%", "8%", "12%", "15%", "20%", "25%", "30%", "40%"],
    "office": ["London", "Berlin", "Paris", "New York", "San Francisco", "Toronto", "Singapore", "Bangalore",
               "Sydney", "São Paulo"],
    "customer": ["Northwind Traders", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Retail",
                 "Acme Foods", "Hooli", "Vandelay Industries", "Soylent Energy", "Tyrell Biotech", "Cyberdyne Bank",
                 "Oceanic Airlines", "Massive Dynamic", "Wonka Confectionery", "Pied Piper Media"],
    "thanks": ["Thanks", "Huge thanks", "Big thank you", "Shout-out"],
}

TOPICS: dict[str, dict] = {}


def topic(name: str, *, tags, vocab, posts, questions, comments, answers) -> None:
    TOPICS[name] = {"tags": tags, "vocab": vocab, "posts": posts, "questions": questions,
                    "comments": comments, "answers": answers}


# ---------------------------------------------------------------- engineering (and its sub-teams)
ENG_VOCAB = {
    "service": ["billing-api", "search-indexer", "auth-gateway", "notifications-worker", "ledger-service",
                "import-pipeline", "web-frontend", "reporting-service", "feature-flags", "export-worker"],
    "tool": ["Kubernetes", "Terraform", "PostgreSQL", "Redis", "Kafka", "GitHub Actions", "Argo CD",
             "Grafana", "Prometheus", "Sentry", "Docker", "Helm", "OpenTelemetry", "pgbouncer"],
    "problem": ["flaky integration tests", "slow CI builds", "connection pool exhaustion", "a memory leak",
                "noisy alerts", "a slow migration", "p95 latency spikes", "lock contention on the orders table",
                "disk pressure on the build runners", "a cache stampede"],
    "metric": ["p95 latency", "build time", "error rate", "deploy frequency", "time to restore",
               "test suite runtime", "cloud spend", "queue depth"],
    "gain": ["p95 latency went from 900 ms to 210 ms", "build time dropped from 14 to 6 minutes",
             "the error rate fell from 3.2% to 0.4%", "we now deploy eleven times a week instead of two",
             "the test suite runs in 12 minutes instead of 40", "cloud spend for it fell by a fifth"],
    "lang": ["Python", "Go", "TypeScript", "Rust", "Kotlin", "SQL"],
    "practice": ["trunk-based development", "feature flags", "blameless postmortems", "pairing on reviews",
                 "contract tests", "canary releases", "error budgets", "architecture decision records"],
}
topic(
    "engineering",
    tags=["engineering", "postgres", "kubernetes", "ci", "devops", "architecture", "oncall", "testing"],
    vocab=ENG_VOCAB,
    posts=[
        ("", "We finally tracked down {problem} in {service}. Root cause was a retry loop that never backed off. "
             "Fix is merged and {gain}. {tag}"),
        ("Postmortem: {service} incident on {weekday}",
         "Short version: a config change to {tool} rolled out to every region at once and {service} started "
         "failing health checks. We rolled back in 18 minutes.\n\nFollow-ups:\n\n- stage config changes per region\n"
         "- alert on {metric}, not on CPU\n- add a runbook link to every page\n\nFull write-up is in the wiki. {tag}"),
        ("", "Proposal: move {service} to {practice}. It would make {metric} easier to keep in check and rollbacks boring. "
             "Would love feedback before the architecture review on {weekday}. {mention} {tag}"),
        ("{tool} upgrade this {weekday}",
         "Heads-up: we are upgrading {tool} on the shared clusters this {weekday} evening. Expect a short "
         "blip on {service}; everything else should be unaffected. Ping {mention} if you see anything odd. {tag}"),
        ("", "Small win: {problem} is gone. We split the test suite into {n} shards and cached the dependency "
             "layer, and {gain}. {tag}"),
        ("", "Reading group this week: we are discussing {practice}. Bring your war stories about {problem}. "
             "{tag}"),
        ("What we learned running {tool} for a year",
         "A year in, the honest summary: it solved {problem} for us, but it added operational load we did not "
         "plan for. Our rules of thumb now:\n\n- **own the upgrade path** from day one\n- measure {metric} before "
         "and after every change\n- write the runbook before the first incident\n\n{tag}"),
        ("", "New dashboard for {service}: {metric}, saturation and error budget on one screen. Linked from "
             "the on-call handbook. {thanks} to {mention} for the queries. {tag}"),
        ("", "On-call handover: quiet week apart from {problem} in {service} on {weekday}. Two pages, both "
             "actionable. Remaining follow-up is tracked in the backlog. {tag}"),
    ],
    questions=[
        ("How do you debug {problem} in {service}?",
         "We keep seeing {problem} in {service} after deploys. Logs do not show anything obvious and {tool} "
         "metrics look normal. What would you look at first? {tag}"),
        ("Best way to run {tool} locally?",
         "Onboarding question: what is the recommended way to run {tool} on a laptop for {service}? The README "
         "mentions two options and neither works for me. {tag}"),
        ("Anyone using {practice} with {lang}?",
         "We are considering {practice} for {service}, which is mostly {lang}. Any experience, tooling or "
         "pitfalls to share? {tag}"),
        ("Why did {metric} double on {service}?",
         "Since {weekday} the {metric} on {service} has roughly doubled. Nothing was deployed. Could it be {tool}? "
         "{mention} any idea? {tag}"),
    ],
    comments=[
        "We hit the same thing with {tool} last {month}. Pinning the version helped.",
        "Nice work. Could we add an alert on {metric} so we catch it earlier next time?",
        "+1 to {practice}, it made our rollbacks much calmer.",
        "Is there a ticket for the follow-ups? Happy to take the runbook one.",
        "Great write-up, very clear. Sharing with my team.",
        "Did you compare with the numbers before the {tool} upgrade?",
        "This also explains the {problem} we saw in {service}, I think.",
    ],
    answers=[
        "First thing I would check is the connection pool settings in {tool}; we saw the same symptoms there.",
        "Try turning on request tracing for {service} and compare a slow request with a fast one.",
        "There is a make target for that now; the README is out of date. I will fix it today.",
        "We use {practice} with {lang} on two services. Happy to pair for an hour if that helps.",
        "I would look at {metric} per instance rather than the average; one noisy node can explain it.",
        "Check whether the retries in {service} back off. That was our culprit with {problem}.",
    ],
)
for sub, extra in {
    "platform": {"service": ["shared clusters", "the service mesh", "the build runners", "the deploy pipeline",
                             "the artifact registry", "the secrets manager", "the edge proxies"]},
    "frontend": {"service": ["the design system", "the web app", "the mobile web build", "the component library",
                             "the checkout flow", "the onboarding screens"],
                 "tool": ["React", "TypeScript", "Vite", "Storybook", "Playwright", "Lighthouse", "CSS grid",
                          "web components"],
                 "metric": ["bundle size", "first contentful paint", "Lighthouse score", "accessibility issues",
                            "flaky UI tests"],
                 "gain": ["the bundle is 40% smaller", "first contentful paint is now under a second",
                          "the Lighthouse score went from 62 to 94", "UI test flakiness is down to almost zero"]},
    "data": {"service": ["the warehouse", "the nightly dbt run", "the events pipeline", "the churn model",
                         "the revenue dashboard", "the feature store"],
             "tool": ["dbt", "Airflow", "Snowflake", "BigQuery", "Spark", "pandas", "DuckDB", "Looker", "Kafka"],
             "metric": ["pipeline runtime", "data freshness", "model accuracy", "query cost", "failed runs"],
             "gain": ["the nightly run takes 25 minutes instead of two hours", "query cost fell by a third",
                      "dashboards are fresh by 7am every day", "failed runs went from weekly to none this month"]},
    "security": {"service": ["the SSO integration", "the VPN", "the secrets manager", "the public API",
                             "the laptop fleet", "the dependency scanner"],
                 "tool": ["Vault", "Okta", "Snyk", "Semgrep", "CrowdStrike", "AWS GuardDuty", "osquery", "Trivy"],
                 "problem": ["a phishing wave", "an exposed test credential", "a critical CVE in a base image",
                             "unreviewed admin grants", "outdated dependencies"],
                 "metric": ["open critical findings", "patch latency", "MFA coverage", "mean time to triage"],
                 "gain": ["patch latency is down to three days", "MFA coverage is now 100%",
                          "open critical findings went from 14 to 2", "triage takes minutes instead of hours"]},
}.items():
    base = TOPICS["engineering"]
    vocab = {**base["vocab"], **extra}
    tags = {"platform": ["platform", "kubernetes", "terraform", "sre", "oncall", "ci"],
            "frontend": ["frontend", "react", "accessibility", "designsystem", "typescript", "performance"],
            "data": ["data", "analytics", "dbt", "warehouse", "machinelearning", "dashboards"],
            "security": ["security", "phishing", "vulnerabilities", "sso", "compliance", "incidentresponse"]}[sub]
    TOPICS[sub] = {**base, "vocab": vocab, "tags": tags}

TOPICS["security"]["posts"] = TOPICS["security"]["posts"] + [
    ("Phishing test results for {month}",
     "This month's phishing simulation: {pct} of people clicked, down from last quarter. Reporting rate is up. "
     "If you are unsure about an email, use the Report button; you will never get in trouble for it. {tag}"),
    ("", "Reminder: we rotate all {tool} credentials this {weekday}. If a script of yours breaks, ask in "
         "Security Champions and we will help. {tag}"),
]
TOPICS["data"]["posts"] = TOPICS["data"]["posts"] + [
    ("New metric definitions for {quarter}",
     "We agreed on one definition of active customer for {quarter} reporting:\n\n- at least one login in 28 days\n"
     "- excludes internal and trial accounts\n- computed daily in the warehouse\n\nDashboards switch over on "
     "{weekday}. {tag}"),
]

# ---------------------------------------------------------------- product
topic(
    "product",
    tags=["product", "roadmap", "discovery", "ux", "research", "launch"],
    vocab={
        "feature": ["bulk export", "SSO for small teams", "the new onboarding flow", "usage-based billing",
                    "audit logs", "the mobile approval flow", "saved searches", "custom roles", "the API v2"],
        "segment": ["mid-market customers", "enterprise admins", "first-time users", "finance teams",
                    "partners", "trial accounts"],
        "finding": ["people abandon setup at the integrations step", "admins want approval rules per team",
                    "search is the most used feature after login", "exports are run mostly on Mondays",
                    "trial users never find the templates"],
        "count": ["12", "15", "20", "24", "30"],
    },
    posts=[
        ("Roadmap update for {quarter}",
         "What is in for {quarter}:\n\n- **{feature}** for {segment}\n- fixes to the top five support drivers\n"
         "- discovery on usage analytics\n\nWhat moved out: the reporting redesign, until we know more. "
         "Questions welcome. {tag}"),
        ("", "Research readout: we interviewed {count} {segment} and the clearest finding is that {finding}. "
             "Recordings and notes are in the research repository. {mention} {tag}"),
        ("", "{feature} is now in beta for {segment}. Early numbers look good: {pct} of invited accounts tried "
             "it in the first week. Feedback form is linked in the release notes. {tag}"),
        ("", "Design review on {weekday}: we will walk through {feature}. Engineers, support and sales all "
             "welcome, the earlier we hear objections the better. {tag}"),
        ("We are sunsetting the legacy reports",
         "The legacy reports will be switched off at the end of {month}. Fewer than {pct} of accounts still use "
         "them and every one of them has been contacted. Support has a macro ready. {tag}"),
    ],
    questions=[
        ("Who owns {feature}?", "A customer asked about {feature} and I am not sure which team owns it now. "
                                "Is it still on the roadmap for {quarter}? {tag}"),
        ("How do we decide between {feature} and the reporting redesign?",
         "Both keep coming up with {segment}. What is the framework we use to prioritise between them? {tag}"),
    ],
    comments=["Love this. Can we share the readout with the sales team too?",
              "Do we have data on how many {segment} asked for this?",
              "The finding that {finding} matches what support sees every week.",
              "Will there be an admin setting to turn it off?",
              "Great clarity on what moved out, thank you."],
    answers=["It sits with the growth squad now; {mention} is the product manager.",
             "We score by reach, impact and effort; the sheet is linked in the roadmap page.",
             "Still planned for {quarter}, but behind the billing work."],
)

# ---------------------------------------------------------------- sales
topic(
    "sales",
    tags=["sales", "pipeline", "renewals", "deals", "forecast", "customers"],
    vocab={
        "deal": ["a three-year renewal", "a 400-seat expansion", "our first public-sector deal",
                 "a competitive displacement", "a multi-region rollout", "a platform upgrade"],
        "region": ["EMEA", "North America", "APAC", "the DACH region", "the Nordics", "LATAM"],
        "amount": ["120k", "250k", "480k", "75k", "1.2M", "310k"],
        "objection": ["price", "data residency", "the lack of SSO on the starter plan", "implementation time",
                      "an incumbent vendor", "API rate limits"],
        "stage": ["discovery", "evaluation", "procurement", "legal review", "verbal commit"],
    },
    posts=[
        ("Closed: {customer}", "{deal} with {customer}, worth {amount} ARR. It took {n} months and a lot of help: "
                               "{thanks} to {mention} and the solutions team for the demo that turned it. {tag}"),
        ("", "Pipeline review for {region}: coverage is {n}x for {quarter}, but too much is stuck in {stage}. "
             "Let's each pick two deals and book the next step this week. {tag}"),
        ("", "Renewal season reminder: anything renewing in {month} should have a health check by {weekday}. "
             "Customer Support has a list of accounts with open escalations. {tag}"),
        ("What I learned losing {customer}",
         "We lost {customer} in {stage}. The main reason was {objection}. What I would do differently:\n\n- bring "
         "a solutions engineer in earlier\n- get the security questionnaire started in week one\n- talk to the "
         "economic buyer before the pilot ends\n\n{tag}"),
        ("", "Forecast call moved to {weekday} this week. Please update close dates and next steps in the CRM "
             "beforehand. {tag}"),
    ],
    questions=[
        ("How do I handle {objection} with {customer}?",
         "{customer} is in {stage} and the blocker is {objection}. Has anyone handled this recently? Any "
         "material I can reuse? {tag}"),
        ("Discount approval for a {region} deal?",
         "What is the current approval path for a discount above {pct} on a {region} deal? The wiki page "
         "looks out of date. {tag}"),
    ],
    comments=["Congrats, well deserved!", "Great teamwork on this one.",
              "Can we turn this into a customer story with marketing?",
              "We have a similar deal in {stage} with the same objection, let's compare notes.",
              "Which competitor were they using before?"],
    answers=["We wrote a one-pager on {objection}, I will share it in the thread.",
             "Above {pct} it needs the regional director and finance. {mention} can confirm.",
             "Offer a phased rollout; it worked with {customer} last {quarter}."],
)

# ---------------------------------------------------------------- marketing
topic(
    "marketing",
    tags=["marketing", "campaigns", "brand", "content", "events", "webinar"],
    vocab={
        "campaign": ["the spring launch campaign", "our customer webinar series", "the annual user conference",
                     "the partner newsletter", "the pricing page refresh", "the new brand video"],
        "channel": ["LinkedIn", "the newsletter", "paid search", "partner co-marketing", "the blog", "podcasts"],
        "asset": ["case study", "one-pager", "launch blog post", "webinar deck", "comparison page", "demo video"],
        "result": ["2,300 sign-ups", "a 4.1% click-through rate", "310 qualified leads", "18 booked demos",
                   "our best open rate this year"],
    },
    posts=[
        ("", "Results from {campaign}: {result}, mostly from {channel}. Full report in the marketing drive. "
             "{thanks} to everyone who reviewed copy at short notice. {tag}"),
        ("We need customer stories", "We are looking for customers for a {asset} in {quarter}. If you have a happy "
                                     "account that would talk to us, tell {mention}. {tag}"),
        ("", "The new {asset} for the {region} team is live. It covers pricing, security and the integrations "
             "customers ask about most. {tag}"),
        ("Content calendar for {month}", "Planned for {month}:\n\n- two customer stories\n- a {asset} on the API\n"
                                         "- the {campaign} follow-up\n\nIdeas welcome. {tag}"),
        ("", "We are testing a new headline on the pricing page this {weekday}. Expect the page to look slightly "
             "different depending on your browser. {tag}"),
    ],
    questions=[("Which {asset} should I send to a finance buyer?",
                "A prospect's CFO asked for something short on ROI. Do we have a {asset} for that? {tag}"),
               ("Can we get booth space at the conference in {month}?",
                "Is there still budget for a booth? Our {region} team thinks it would be worth it. {tag}")],
    comments=["Those numbers are great!", "Can we localise this for {region}?",
              "I can introduce you to {customer}, they love the product.", "Where can I find the slides?"],
    answers=["Use the ROI one-pager, it was updated in {month}.", "Budget is tight, but {mention} decides this week."],
)
TOPICS["marketing"]["vocab"]["region"] = TOPICS["sales"]["vocab"]["region"]

# ---------------------------------------------------------------- customer support
topic(
    "support",
    tags=["support", "customers", "escalations", "csat", "knowledgebase", "tickets"],
    vocab={
        "issue": ["SSO login loops", "CSV import failures", "missing email notifications", "slow exports",
                  "duplicate invoices", "webhook timeouts", "permission errors for new admins"],
        "metric": ["first response time", "CSAT", "backlog", "escalation rate", "time to resolution"],
        "value": ["94%", "under 2 hours", "down 30%", "4.7 out of 5", "the lowest in a year"],
        "macro": ["the SSO troubleshooting macro", "the import checklist", "the refund template",
                  "the webhook debugging guide"],
    },
    posts=[
        ("", "Weekly support numbers: {metric} is {value}. Top driver was {issue}; a fix ships next week. {tag}"),
        ("Known issue: {issue}", "We are seeing {issue} for some {customer} users. Workaround is in {macro}. "
                                 "Engineering is on it; please link new tickets to the incident. {tag}"),
        ("", "Shout-out to {mention} for turning an angry escalation from {customer} into a renewal "
             "conversation. That is what great support looks like. {tag}"),
        ("", "We updated {macro}. If you see a case it does not cover, comment here and we will add it. {tag}"),
        ("Support rota for {month}", "The weekend rota for {month} is published. Swaps are fine, just update the "
                                     "calendar and tell your lead. {tag}"),
    ],
    questions=[("Is {issue} a known bug?",
                "Three tickets today about {issue}, all from {customer}. Is this known, or should I escalate? {tag}"),
               ("How do I refund a duplicated invoice?",
                "Customer was charged twice in {month}. Which team handles the refund and how long does it take? "
                "{tag}")],
    comments=["Thanks for the heads-up, linking my tickets now.", "Same here with {customer}.",
              "The workaround worked for my customer.", "Can we add this to the knowledge base?"],
    answers=["Yes, known since {weekday}; link to the incident and use {macro}.",
             "Finance handles refunds; open a request and they reply within two days."],
)

# ---------------------------------------------------------------- finance
topic(
    "finance",
    tags=["finance", "budget", "expenses", "forecast", "procurement", "monthend"],
    vocab={
        "process": ["month-end close", "the budget cycle", "expense reports", "purchase orders",
                    "the vendor onboarding process", "the quarterly forecast"],
        "deadline": ["the 3rd working day", "Friday noon", "the 25th", "end of the quarter"],
        "system": ["the expense tool", "the ERP", "the procurement portal", "the planning sheet"],
    },
    posts=[
        ("Month-end close for {month}", "Close starts on {weekday}. Please submit expense reports and approve "
                                        "open purchase orders by {deadline}. {tag}"),
        ("", "Budget cycle for next year kicks off in {month}. Department heads will get templates from "
             "{mention}; the timeline is in the finance space. {tag}"),
        ("", "Reminder: travel booked through {system} is reimbursed automatically. Anything else needs a "
             "receipt within 30 days. {tag}"),
        ("New purchase order rules", "From {month} on:\n\n- anything above 5k needs a PO before you sign\n- "
                                     "software purchases also go through Security review\n- renewals start 60 "
                                     "days before the end date\n\nQuestions to {mention}. {tag}"),
    ],
    questions=[("Which cost centre do I use for conference travel?",
                "I am going to a conference in {office} in {month}. Which cost centre, and do I need pre-approval? "
                "{tag}"),
               ("Why was my expense report rejected?",
                "My report for {month} came back from {system} without a comment. What am I missing? {tag}")],
    comments=["Thanks, very clear.", "Does this apply to renewals signed before {month}?",
              "Could we get a reminder a week before {deadline}?"],
    answers=["Use your team's cost centre; pre-approval only above the travel limit.",
             "Usually a missing receipt or the wrong category. {mention} can check."],
)

# ---------------------------------------------------------------- people / HR
topic(
    "people",
    tags=["people", "hiring", "benefits", "wellbeing", "performance", "culture"],
    vocab={
        "program": ["the mentoring programme", "the referral bonus", "parental leave", "the wellbeing allowance",
                    "performance reviews", "the employee survey", "the hybrid work policy"],
        "role": ["a senior data engineer", "two account executives", "a product designer", "a people partner",
                 "a support team lead", "a security engineer"],
    },
    posts=[
        ("", "We are hiring {role}. Referrals are the best source of great colleagues, and the referral bonus "
             "applies. Job descriptions are on the careers page. {tag}"),
        ("Employee survey results", "Thank you to the {pct} of you who answered. Highlights: people value "
                                    "flexibility and their teams; career growth scored lowest. Each department "
                                    "head will share an action plan in {month}. {tag}"),
        ("", "Changes to {program} start on the first of {month}. Details and FAQs are in "
             "the handbook; {mention} is happy to answer questions. {tag}"),
        ("", "Welcome to everyone who joined this month. Say hello in New Joiners and find your buddy. {tag}"),
        ("Performance review timeline", "Self-reviews open on {weekday} and close two weeks later. Calibration "
                                        "follows in {month}. Managers: the guide has been updated. {tag}"),
    ],
    questions=[("How does {program} work for part-time staff?",
                "Does {program} apply pro rata for part-time colleagues? The handbook is not clear. {tag}"),
               ("Can I transfer to the {office} office?",
                "I would like to move to {office} next year. What is the process? {tag}")],
    comments=["Thank you for sharing the results so openly.", "Great to see {program} improved.",
              "Is there a session for managers about this?", "Welcome everyone!"],
    answers=["Yes, pro rata; your people partner can give exact numbers.",
             "Talk to your manager first, then open an internal mobility request."],
)

# ---------------------------------------------------------------- learning & development
topic(
    "learning",
    tags=["learning", "training", "leadership", "onboarding", "coaching", "skills"],
    vocab={
        "course": ["the new manager bootcamp", "a SQL for everyone course", "presentation skills workshops",
                   "the negotiation masterclass", "accessibility basics", "giving feedback that lands",
                   "the product thinking course"],
        "format": ["a half-day workshop", "four lunchtime sessions", "a self-paced course", "a cohort programme"],
    },
    posts=[
        ("", "New in the learning catalogue: {course}, run as {format}. Places are limited; sign up by "
             "{weekday}. {tag}"),
        ("Learning budget reminder", "Everyone has a personal learning budget for books, courses and "
                                     "conferences. Only {pct} has been used so far this year, please use it. {tag}"),
        ("", "Feedback from the last cohort of {course}: 4.8 out of 5, and the most useful part was practice "
             "with real scenarios. Next cohort starts in {month}. {tag}"),
        ("", "Looking for volunteers to teach a session in {course}. If you know the topic, {mention} would "
             "love to hear from you. {tag}"),
    ],
    questions=[("Is there a course on {course}?",
                "My team asked for training on {course}. Do we run it internally or should we buy it? {tag}"),
               ("Can the learning budget pay for a certification?",
                "I would like to take a certification exam in {month}. Does the budget cover it? {tag}")],
    comments=["Signed up, thanks!", "Will the sessions be recorded for other time zones?",
              "I took it last year and recommend it."],
    answers=["Yes, we run it every quarter; the next one is in {month}.",
             "Certifications are covered; submit the receipt in the expense tool."],
)

# ---------------------------------------------------------------- legal
topic(
    "legal",
    tags=["legal", "contracts", "gdpr", "privacy", "compliance", "dpa"],
    vocab={
        "doc": ["the data processing agreement", "the master services agreement", "the NDA template",
                "the subprocessor list", "the acceptable use policy", "the standard terms"],
        "rule": ["GDPR", "the EU AI Act", "SOC 2", "the new e-privacy rules", "export controls", "CCPA"],
        "clause": ["limitation of liability", "data residency", "termination for convenience",
                   "audit rights", "the indemnity", "auto-renewal"],
    },
    posts=[
        ("Updated {doc}", "We published a new version of {doc}. Main change: clearer language on {clause}. "
                          "Please use it for all new deals from {weekday}. {tag}"),
        ("", "Reminder on {rule}: personal data in tickets and spreadsheets must stay in approved systems. "
             "When in doubt, ask us before sharing. {tag}"),
        ("", "Contract turnaround this {quarter}: median {n} days. Fastest path is still the standard template "
             "with no edits to {clause}. {tag}"),
        ("What {rule} means for us", "Short summary:\n\n- most of our obligations are already covered\n- we need "
                                     "to update {doc}\n- product teams should record data uses per feature\n\n"
                                     "We will run a Q&A in {month}. {tag}"),
    ],
    questions=[("Can we accept a customer edit to {clause}?",
                "{customer} wants to change {clause} in {doc}. Is that acceptable, and who signs off? {tag}"),
               ("Do we need a DPA for a small vendor?",
                "We want to try a small survey tool. It stores names and emails. Do we need a DPA under {rule}? "
                "{tag}")],
    comments=["Very helpful summary, thanks.", "Does this affect deals already in legal review?",
              "Can we get a one-page version for sales?"],
    answers=["Usually yes with a cap; send it to the legal queue and we reply within two days.",
             "Yes, any vendor processing personal data needs one; use our template."],
)

# ---------------------------------------------------------------- operations
topic(
    "operations",
    tags=["operations", "workplace", "offices", "planning", "okrs", "process"],
    vocab={
        "change": ["the new desk booking system", "the office move", "the travel policy update",
                   "the quarterly planning process", "the vendor consolidation"],
    },
    posts=[
        ("", "The {office} office will be closed on {weekday} for maintenance. Please work from home or another "
             "office. {tag}"),
        ("{change}", "Starting in {month} we roll out {change}. We expect it to save time for everyone; the FAQ is "
                     "in the operations space and {mention} runs the rollout. {tag}"),
        ("", "OKR check-in for {quarter}: {n} of our key results are on track, two are at risk. Details in "
             "the planning doc. {tag}"),
    ],
    questions=[("How do I book a meeting room in {office}?",
                "Visiting {office} next week: how do I book a room for a workshop? {tag}")],
    comments=["Thanks for the early notice.", "Will parking be affected too?", "Smooth rollout so far!"],
    answers=["Use the desk booking app; rooms are under the office name."],
)

# ---------------------------------------------------------------- IT
topic(
    "it",
    tags=["it", "laptops", "helpdesk", "sso", "vpn", "tools"],
    vocab={
        "thing": ["the VPN client", "the password manager", "the video conferencing software", "the printer drivers",
                  "mobile device management", "the Wi-Fi controllers", "the single sign-on portal"],
    },
    posts=[
        ("", "Planned maintenance: {thing} will be updated this {weekday} evening. No action needed. {tag}"),
        ("Laptop refresh for {quarter}", "If your laptop is more than three years old you will get an email about "
                                         "a replacement in {month}. Back up anything outside the cloud drive. {tag}"),
        ("", "Reminder: never share one-time codes, not even with IT. We will never ask for them. {tag}"),
    ],
    questions=[("{thing} not working after the update?",
                "Since {weekday} {thing} keeps disconnecting on my machine. Anyone else? {tag}"),
               ("How do I get access to a shared mailbox?",
                "I need access to the team mailbox for {month}. Which form do I use? {tag}")],
    comments=["Same issue here.", "Restarting fixed it for me.", "Thanks IT!"],
    answers=["Known issue, a fix rolls out tonight. Reinstalling {thing} works meanwhile.",
             "Use the access request form on the IT portal; your manager approves it."],
)

# ---------------------------------------------------------------- leadership and executive
topic(
    "leadership",
    tags=["leadership", "strategy", "allhands", "company", "okrs"],
    vocab={"theme": ["focus on enterprise customers", "profitable growth", "product quality",
                     "expansion in APAC", "operational excellence", "a simpler product"]},
    posts=[
        ("All-hands recap: {quarter}", "Thank you for the questions at the all-hands. The short version: we "
                                       "grew in every region, our priority for {quarter} is {theme}, and we keep "
                                       "hiring carefully. The recording is on the intranet. {tag}"),
        ("", "Our strategy for next year in one sentence: {theme}. Each department will share how their plans "
             "support it in {month}. {tag}"),
        ("", "{thanks} to the teams behind this quarter's results. Special mention to {mention} for leading "
             "the work across departments. {tag}"),
    ],
    questions=[("What does {theme} mean for my team?",
                "I heard the all-hands talk about {theme}. How should teams like mine change priorities? {tag}")],
    comments=["Thanks for the transparency.", "Great quarter, everyone!", "Could we get the slides?"],
    answers=["Your department head will share a plan in {month}; the short version is fewer, bigger bets."],
)
TOPICS["leadership_private"] = {
    **TOPICS["leadership"],
    "posts": [
        ("Agenda for {weekday}", "Agenda:\n\n- {quarter} forecast and hiring plan\n- {theme}\n- "
                                 "escalations from {customer}\n\nPre-reads in the shared folder. {tag}"),
        ("", "Heads-up before the board update: {quarter} revenue is slightly above plan, hiring is behind in "
             "two departments. Let's discuss mitigations on {weekday}. {mention} {tag}"),
        ("", "Please review the headcount plan for {quarter} by {weekday}; we need to agree on priorities "
             "between {theme} and new hiring. {tag}"),
    ],
}

# ---------------------------------------------------------------- communities
topic(
    "python",
    tags=["python", "django", "typing", "packaging", "pytest"],
    vocab={"lib": ["pytest", "Django", "FastAPI", "pydantic", "mypy", "ruff", "uv", "polars", "asyncio",
                   "SQLAlchemy", "Hypothesis"],
           "version": ["3.12", "3.13"]},
    posts=[
        ("", "Lightning talk on {weekday}: what's new in Python {version} and how we moved {service} to it. "
             "Bring questions! {tag}"),
        ("", "Tip of the week: {lib} can replace a surprising amount of custom code. We deleted 400 lines in "
             "{service} last sprint. {tag}"),
        ("Guild meetup notes", "Topics we covered:\n\n- migrating to {lib}\n- typing legacy code gradually\n- "
                               "speeding up test suites\n\nNext meetup in {month}. {tag}"),
    ],
    questions=[("{lib} or something else for {service}?",
                "We are starting a new piece of {service}. Would you pick {lib}? Why or why not? {tag}")],
    comments=["We use {lib} everywhere now and love it.", "Slides please!", "+1, great tip."],
    answers=["Go with {lib}; the team already knows it and the docs are excellent.",
             "It depends on the workload, but {lib} has served us well in production."],
)
TOPICS["python"]["vocab"]["service"] = ENG_VOCAB["service"]

topic(
    "customer_stories",
    tags=["customers", "casestudy", "wins", "feedback"],
    vocab={"outcome": ["cut their month-end close from ten days to four", "onboarded 3,000 employees in a week",
                       "replaced four legacy tools", "reduced support tickets by a third",
                       "rolled out to {n} countries in one quarter"],
           "feature": TOPICS["product"]["vocab"]["feature"]},
    posts=[
        ("{customer}: {outcome}", "Great story from {customer}: they {outcome} using {feature}. The champion "
                                  "there is happy to be a reference. {thanks} to {mention}. {tag}"),
        ("", "Customer quote of the week, from {customer}: the support team knows our setup better than we do. "
             "That one goes on the wall. {tag}"),
    ],
    questions=[("Do we have a reference customer for {feature}?",
                "A prospect wants to talk to an existing customer using {feature}. Who could we ask? {tag}")],
    comments=["Love this story!", "Can we make a video with them?", "Sharing with my prospects."],
    answers=["{customer} agreed to be a reference last month; ask {mention} for the intro."],
)

topic(
    "remote",
    tags=["remote", "wfh", "async", "wellbeing"],
    vocab={"tip": ["a proper chair", "a walk before the first meeting", "async stand-ups",
                   "camera-off Fridays", "a second monitor", "blocking focus time"]},
    posts=[("", "Remote tip: {tip} changed my week. What is yours? {tag}"),
           ("", "Anyone near {office} fancy a co-working day on {weekday}? {tag}"),
           ("Virtual coffee roulette", "Coffee roulette pairs people across time zones every {weekday}. Sign up in "
                                       "the form and meet someone new. {tag}")],
    questions=[("How do you handle meetings across time zones?",
                "Half my team is in {office}. How do you keep meetings fair across time zones? {tag}")],
    comments=["Great idea!", "I am in.", "{tip} is underrated."],
    answers=["We rotate the meeting time every other week and record everything."],
)

topic(
    "social",
    tags=["community", "events", "wellbeing", "fun"],
    vocab={"event": ["the summer party", "a charity run", "the book swap", "a board game night",
                     "the volunteering day", "a photo walk", "the bake-off"]},
    posts=[("", "Join us for {event} in {office} on {weekday}. Everyone welcome, bring a friend from another "
                "team. {tag}"),
           ("", "Photos from {event} are up. {thanks} to {mention} for organising! {tag}"),
           ("", "Our pick for {month}: a novel about a city in the future. Discussion on the last {weekday} of "
                "the month. {tag}")],
    questions=[("Anyone up for {event}?", "Thinking of organising {event} in {office} in {month}. Who is in? {tag}")],
    comments=["Count me in!", "That was so much fun.", "Great photos!"],
    answers=["Yes! Happy to help organise."],
)
TOPICS["office"] = {
    **TOPICS["social"],
    "posts": [("", "The {office} office kitchen gets a new coffee machine on {weekday}. Training session at "
                   "ten, apparently it needs one. {tag}"),
              ("", "Lunch and learn in {office} this {weekday}: a colleague explains what their team does. "
                   "Free pizza. {tag}"),
              ("", "Fire drill in {office} on {weekday} morning. Please follow the wardens. {tag}")],
}

topic(
    "falcon",
    tags=["falcon"],
    vocab={"workstream": ["financial due diligence", "legal due diligence", "the integration plan",
                          "the valuation model", "the customer overlap analysis", "the retention plan"]},
    posts=[("Falcon status for {weekday}", "Status:\n\n- {workstream}: on track\n- {workstream2}: waiting for the "
                                           "data room\n- next call with the target on {weekday}\n\nReminder: "
                                           "strictly confidential, do not mention Falcon outside this space. {tag}"),
           ("", "Draft of {workstream} is in the folder. {mention} please review before {weekday}. {tag}"),
           ("", "Board call on Falcon moved to {weekday}. We need the final view on {workstream}. {tag}")],
    questions=[("Open question on {workstream}",
                "How do we treat the target's deferred revenue in {workstream}? {tag}")],
    comments=["Reviewed, a few comments inline.", "Agreed, let's keep this tight.", "I can take that action."],
    answers=["Treat it as in the model for now; we confirm with the auditors on {weekday}."],
)
TOPICS["security_incidents"] = {
    **TOPICS["security"],
    "posts": [("Incident review: {problem}", "Timeline, impact and follow-ups for {problem} affecting {service}. "
                                             "No customer data was accessed. Please keep details in this space. {tag}"),
              ("", "Triage update: {problem} is contained. Credentials rotated, logs preserved. Next review on "
                   "{weekday}. {mention} {tag}")],
}
TOPICS["finance_close"] = TOPICS["finance"]
TOPICS["managers"] = {
    **TOPICS["people"],
    "posts": [("", "Managers: compensation review guidance for {quarter} is out. Please read it before talking "
                   "to your team. {mention} can help with hard cases. {tag}"),
              ("", "Reminder for managers: one-to-ones are the best place to talk about {program}. A short guide "
                   "is in this space. {tag}")],
}

# ---------------------------------------------------------------- across departments
# (asking topic, answering department topic, title, body): posted on the company feed.
CROSS = [
    ("sales", "engineering", "What is the API rate limit for enterprise plans?",
     "{customer} is asking whether the API limit can be raised for a nightly sync. {expert} can you tell me the "
     "current limit for enterprise plans and whether we can raise it per customer? #api #sales"),
    ("sales", "security", "Security questionnaire for {customer}",
     "{customer} sent a 200-question security questionnaire. {expert} do we have a standard answer pack "
     "(SOC 2, pen test summary)? #security #sales"),
    ("sales", "legal", "Can {customer} change the liability cap?",
     "{customer} wants to raise the liability cap in the MSA. {expert} what is our fallback position? #legal"),
    ("support", "engineering", "Bug or expected: {issue}?",
     "Support sees {issue} for {customer}. {expert} is this expected behaviour or a bug we should file? #support"),
    ("marketing", "data", "Can the data team help with campaign attribution?",
     "We want to understand which channels drive qualified leads. {expert} is there a dashboard, or could we "
     "build one together? #marketing #data"),
    ("product", "support", "Top five support drivers this quarter?",
     "Planning next quarter. {expert} what are the top five ticket drivers, and which would a product fix remove? "
     "#product #support"),
    ("engineering", "finance", "How do we budget for cloud spend?",
     "Our cloud bill grew faster than usage. {expert} how does the budget process treat infrastructure spend? "
     "#finance #platform"),
    ("people", "learning", "Training ideas for new managers?",
     "Several first-time managers joined this quarter. {expert} what do we offer beyond the bootcamp? #learning"),
    ("finance", "it", "Which laptops are due for replacement?",
     "For the budget, {expert} can you share how many laptops are due for refresh next year? #it #budget"),
    ("operations", "legal", "Lease renewal for the {office} office",
     "The lease for {office} renews next year. {expert} can legal review the draft terms? #operations #legal"),
    ("engineering", "legal", "Can we use this open-source library?",
     "We want to use a library under the AGPL in a service. {expert} what is our policy? #opensource #legal"),
    ("data", "product", "Which events should we track for the new onboarding?",
     "{expert} before launch, can we agree on the events we need to measure activation? #data #product"),
    ("support", "sales", "Who is the account manager for {customer}?",
     "Escalation from {customer} about billing. {expert} who owns the account on your side? #support"),
    ("learning", "engineering", "Volunteers for a SQL course?",
     "We are building a SQL for everyone course. {expert} would someone from engineering co-teach? #learning"),
]
ISSUE_VOCAB = TOPICS["support"]["vocab"]["issue"]

GENERIC_COMMENTS = [
    "Thanks for sharing!", "Really useful, thank you.", "Great work, team.", "Following this thread.",
    "Agreed.", "Good point, I had not thought about that.", "Could you share the link to the doc?",
    "This is great news.", "Let's discuss in the next sync.", "Nice one!",
]
REPLIES = [
    "{parent} thanks, that helps.", "Good question, {parent}. I will find out.", "{parent} agreed, let's do it.",
    "Same experience here, {parent}.", "{parent} I have sent you the doc.", "Thanks {parent}, fixed now.",
]
CC = ["cc {mention}", "{mention} what do you think?", "{mention} FYI.", "Looping in {mention}."]

BIO = [
    "{title} in {dept}, based in {office}. Before joining I worked at {previous}. Outside work: {hobby}.",
    "I work on {dept} as {title_lower}. Ask me about {skill}. Away from the keyboard you will find me {hobby}.",
    "{title}. Previously at {previous}. Happy to help with {skill} and {skill2}.",
    "Part of the {dept} team in {office}. I care about {skill} and good documentation. Weekends: {hobby}.",
]

SKILLS = {
    "engineering": ["Python", "Go", "PostgreSQL", "System design", "Code review", "Distributed systems", "Testing"],
    "platform": ["Kubernetes", "Terraform", "AWS", "Observability", "Linux", "CI/CD", "Incident response",
                 "Networking", "Helm"],
    "frontend": ["React", "TypeScript", "CSS", "Accessibility", "Design systems", "Web performance",
                 "Playwright"],
    "data": ["SQL", "dbt", "Airflow", "Machine learning", "Statistics", "Data modelling", "Python", "Looker"],
    "security": ["Threat modelling", "Application security", "Incident response", "Cloud security",
                 "Identity and access management", "Penetration testing", "Vulnerability management"],
    "product": ["Product discovery", "User research", "Roadmapping", "Figma", "Prototyping", "Analytics",
                "Pricing"],
    "sales": ["Negotiation", "Enterprise sales", "Salesforce", "Forecasting", "Account planning",
              "Solution selling", "Public sector"],
    "marketing": ["Content marketing", "SEO", "Copywriting", "Event management", "Marketing automation",
                  "Brand design", "Product marketing"],
    "support": ["Customer empathy", "Troubleshooting", "Zendesk", "SQL", "Technical writing", "Escalation handling"],
    "finance": ["Financial modelling", "Excel", "Budgeting", "Accounting", "Procurement", "Revenue recognition",
                "Payroll"],
    "people": ["Recruiting", "Employee relations", "Compensation", "Coaching", "Employment law", "Onboarding"],
    "learning": ["Instructional design", "Facilitation", "Coaching", "E-learning", "Leadership development",
                 "Public speaking"],
    "legal": ["Contract negotiation", "GDPR", "Privacy", "Commercial law", "Compliance", "Intellectual property"],
    "operations": ["Project management", "Process improvement", "Vendor management", "OKRs", "Workplace planning"],
    "it": ["Mobile device management", "Okta", "Networking", "Google Workspace", "Help desk", "Scripting"],
    "leadership": ["Strategy", "Leadership", "Fundraising", "Board relations", "Public speaking"],
}

# ---------------------------------------------------------------- knowledge held by one person
# Topics only one person in the company answers (the demo's "knowledge risk"): their questions are
# asked on the company feed by anyone, and only the topic's one expert (build.CAST) answers them.
NICHE: dict[str, dict] = {}


def niche(tag: str, *, vocab, questions, answers) -> None:
    NICHE[tag] = {"tags": [tag], "vocab": vocab, "posts": [], "questions": questions, "comments": [],
                  "answers": answers}


niche(
    "mainframe",
    vocab={"job": ["the nightly billing batch", "the invoice print run", "the ledger reconciliation job",
                   "the customer master export", "the month-end tape archive"],
           "symptom": ["ended with code S0C7", "is stuck in the input queue", "wrote an empty output file",
                       "ran twice overnight", "took six hours instead of two"]},
    questions=[
        ("{job} {symptom}", "This morning {job} {symptom} and invoices are late. Nobody on my team knows the "
                            "mainframe side. {expert} could you take a look? #mainframe"),
        ("Who can change the schedule of {job}?",
         "We need {job} to run an hour earlier from next {month}. Where is that configured on the mainframe? "
         "{expert} is this something you can do? #mainframe"),
        ("Where does {job} get its data from?",
         "For the data migration we need to know which datasets {job} reads and writes. Is this documented "
         "anywhere? {expert} #mainframe"),
    ],
    answers=[
        "That job reads a dataset that was not released in time. I re-ran the step and it finished; I will add a "
        "check to the JCL so it waits next time.",
        "The schedule lives in the job scheduler on the mainframe, not in the JCL. I changed it; it takes "
        "effect tonight.",
        "It is not documented, sorry. I will write down the input and output datasets today and link them here.",
        "A bad record in the input: a packed decimal field had spaces. I fixed the record and restarted from "
        "the failed step.",
    ],
)
niche(
    "hsm",
    vocab={"key": ["the payment signing key", "the root CA key", "the token encryption key",
                   "the backup encryption key"],
           "task": ["rotate", "back up", "re-wrap", "audit access to"]},
    questions=[
        ("How do we {task} {key} in the HSM?",
         "The auditors ask how we {task} {key}. The runbook only says to ask security. {expert} can you "
         "explain the steps? #hsm"),
        ("HSM partition full?", "Signing requests fail with a partition error since {weekday}. {expert} is the "
                                "HSM partition full, and what can we remove safely? #hsm"),
        ("Can the new service use the HSM?", "We are building a new service that needs to sign documents. "
                                             "{expert} can it get its own HSM partition? #hsm"),
    ],
    answers=[
        "It needs two custodians with smart cards, so it is a planned ceremony. I can run one on {weekday}; I will "
        "send the invite and the checklist.",
        "Yes: old session objects were never cleaned up. I removed them; the partition is at 30% now.",
        "It can, but each partition is configured by hand. Send me the key types you need and I will set it up.",
    ],
)
niche(
    "edi",
    vocab={"partner": ["Northwind Traders", "Globex", "Stark Logistics", "Acme Foods", "Wayne Retail"],
           "doc": ["850 purchase orders", "810 invoices", "856 shipping notices", "997 acknowledgements"]},
    questions=[
        ("{partner} did not receive our {doc}", "{partner} says our {doc} stopped arriving on {weekday}. "
                                                "{expert} is the EDI connection down? #edi"),
        ("How do we onboard a new EDI partner?",
         "A new customer wants to send {doc} by EDI. {expert} what do we need from them to set it up? #edi"),
        ("What does this EDI error mean?", "The EDI translator rejected a batch of {doc} from {partner} with a "
                                           "segment error. {expert} can you help me read it? #edi"),
    ],
    answers=[
        "Their certificate for the AS2 connection expired. I exchanged new certificates with them and resent "
        "the backlog.",
        "We need their trading partner ID, the document types and a test file. I keep a checklist; I will "
        "send it to you.",
        "The segment count in the trailer does not match: their system drops empty lines. I adjusted the map.",
    ],
)
