"""The misconceptions wrong quiz choices are tagged with, course-wide.

One vocabulary for every module, so analytics can say what a class misunderstands
across assignments ("a third of the class still treats the test as subjective good
faith"). Tests check that every tag used in a notebook is defined here. Add a tag
here, with a one-line description, before using it.
"""

MISCONCEPTIONS: dict[str, str] = {
    "subjective-good-faith": "Treats the test as the officer's subjective good faith (the pre-Harlow test) rather than objective legal reasonableness.",
    "officer-knowledge-required": "Thinks the plaintiff must show the officer knew the conduct was unlawful (misreads Malley's 'knowingly violate').",
    "identical-precedent-required": "Thinks only a factually identical earlier case can clearly establish the law (contrary to Hope v. Pelzer).",
    "general-rule-suffices": "Thinks a general rule (e.g. Graham's reasonableness test) alone clearly establishes the law for specific conduct.",
    "law-in-flux-only": "Thinks immunity applies only when the law is unsettled or changing.",
    "post-conduct-law": "Judges 'clearly established' by law decided after the conduct.",
    "circuit-precedent-always-settles": "Treats any circuit decision, or one from another circuit, as automatically clearly establishing the law.",
    "supreme-court-only": "Thinks only a Supreme Court decision can clearly establish the law.",
    "obvious-case-needs-precedent": "Thinks even an obvious violation needs a factually similar precedent.",
    "qi-bars-filing": "Thinks qualified immunity stops a lawsuit from being filed rather than being a defense raised in it.",
    "qi-means-lawful": "Thinks a grant of immunity means the conduct was lawful or constitutional.",
    "qi-protects-entities": "Thinks cities, counties or other entities can claim qualified immunity.",
    "qi-bars-injunctions": "Thinks qualified immunity blocks suits for injunctive or declaratory relief.",
    "qi-criminal-defense": "Thinks qualified immunity is a defense to criminal prosecution.",
    "qi-is-absolute": "Confuses qualified immunity with absolute immunity (a total bar regardless of the law's clarity).",
    "absolute-by-rank": "Thinks absolute immunity follows rank or office rather than function.",
    "merits-immunity-confusion": "Confuses the merits question (was there a violation, e.g. under Graham) with the immunity question (was the law clearly established).",
    "hindsight-judgment": "Judges the officer's conduct with 20/20 hindsight instead of from the perspective of a reasonable officer on the scene.",
    "mistake-always-excuses": "Thinks any mistake of fact, however unreasonable, defeats liability.",
    "mistake-never-excuses": "Thinks a mistaken belief can never be reasonable, so any wrongful seizure is a violation.",
    "private-actor-qi": "Thinks employees of a private contractor (e.g. a private prison company's guards) can always claim qualified immunity (contrary to Richardson v. McKnight).",
    "motive-defeats-absolute": "Thinks malice, bad faith or a wrong result strips a judge or prosecutor of absolute immunity for a protected function.",
    "officer-version-of-facts": "Takes the officer's version of disputed facts at the pretrial stage, instead of the plaintiff's (Tolan v. Cotton).",
    "order-of-analysis": "Misstates the order in which courts may decide the two prongs (Saucier's mandatory order vs Pearson's discretion).",
    "value-as-empirical": "Treats a value judgment as if data could settle it, or an empirical claim as a matter of opinion.",
    "misattribution": "Attributes an argument or finding to the wrong speaker or source.",
    "untested-as-false": "Treats an empirical claim that has not been tested as proven false (or as proven true).",
    "wrong-denominator": "Computes a rate against the wrong base (e.g. all cases instead of cases where the defense could be raised).",
    "motive-decides-force": "Thinks the officer's motive or intent decides whether force was excessive under the Fourth Amendment (Graham's test is objective).",
    "moment-of-threat-only": "Thinks only the moment force was used counts, ignoring the totality of the circumstances (Barnes v. Felix).",
    "provocation-rule": "Applies a 'provocation rule' that makes reasonable force unreasonable because of an earlier violation (rejected in County of Los Angeles v. Mendez).",
    "video-all-or-nothing": "Thinks video either must be ignored or settles every fact (Scott v. Harris: only where it blatantly contradicts a version of events).",
    "fleeing-felon-rule": "Applies the old rule that any fleeing felon may be shot, or reads Tennessee v. Garner as a total ban on deadly force against a fleeing person.",
    "wrong-amendment": "Applies the wrong constitutional standard (Fourth vs Fourteenth vs Eighth Amendment) to the person's status.",
    "color-of-law-misread": "Misreads 'under color of' state law: thinks official status alone is enough, or that conduct state law forbids is outside § 1983 (contrary to Monroe v. Pape).",
    "bivens-misread": "Thinks § 1983 reaches federal officers, or that Bivens claims are freely available (or abolished) after Ziglar and Egbert.",
    "contested-history-as-settled": "States a contested historical claim about the doctrine's origins as settled fact.",
    "open-question-as-settled": "Treats a question the Court expressly left open as decided.",
    "constitution-only": "Thinks qualified immunity applies only to constitutional claims, not federal statutory rights.",
    "state-only": "Thinks qualified immunity protects only state and local officers, not federal officers in Bivens suits.",
    "officer-pays": "Assumes officers personally pay judgments (contrary to the indemnification evidence).",
    "respondeat-superior": "Thinks a city is liable under § 1983 simply because it employs the officer (contrary to Monell).",
    "criminal-clarity-irrelevant": "Thinks the clarity of the law plays no part in a federal criminal civil-rights prosecution (contrary to Lanier's fair-warning requirement).",
    "wrong-legal-source": "Cites the wrong kind of authority for the point (e.g. a state statute for a federal right).",
    "conclusory-pleading-suffices": "Thinks a complaint survives a motion to dismiss on labels and conclusions, without facts about what each official did (contrary to Ashcroft v. Iqbal).",
    "every-denial-appealable": "Thinks any pretrial denial of qualified immunity can be appealed at once, even one that turns only on which facts the evidence could prove (contrary to Johnson v. Jones).",
    "no-early-appeal": "Thinks a denial of qualified immunity can be reviewed only after trial (contrary to Mitchell v. Forsyth and Behrens v. Pelletier).",
    "limitations-misread": "Misidentifies the § 1983 limitation period or when its clock starts, e.g. assumes a criminal case or a complaint to the agency pauses it (Wilson v. Garcia; Owens v. Okure; Wallace v. Kato).",
    "clearly-established-as-fact": "Treats whether the law was clearly established as a question of fact (for a jury, for evidence, or limited to the cases a party cited) rather than a question of law decided on all relevant precedent (Elder v. Holloway).",
    "heck-misread": "Misapplies Heck v. Humphrey: treats every claim by a convicted person as barred, or allows a claim that would imply a standing conviction is invalid.",
    "past-injury-standing": "Thinks a past injury alone gives standing to seek an injunction against future conduct (contrary to City of Los Angeles v. Lyons).",
    "miranda-alone-1983": "Thinks a Miranda violation alone supports a § 1983 damages claim (contrary to Vega v. Tekoh).",
    "state-reform-ends-federal-qi": "Thinks a State's reform law removes qualified immunity from federal § 1983 suits in that State (it creates state-law claims; the federal defense is federal law).",
}


def describe(tag: str) -> str:
    return MISCONCEPTIONS.get(tag, tag)
