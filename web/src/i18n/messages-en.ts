/**
 * The English catalogue: every text the interface shows. The Spanish one (messages-es.ts) must
 * have the same keys; `MessageKey` makes a missing or extra key a type error, and
 * web/src/i18n/catalogues.spec.ts fails on it too. Placeholders are written `{name}`.
 * Sections follow the screens; keep a screen's keys together.
 */
export const en = {
  // Shell
  'app.name': 'Trial randomization and blinding',
  'app.skipToContent': 'Skip to main content',
  'language.en': 'English',
  'language.es': 'Español',
  'session.warningTitle': 'Session',
  'app.language': 'Language',
  'app.signedInAs': 'Signed in as {username} ({roles})',
  'app.signOut': 'Sign out',
  'app.navigation': 'Sections',
  'app.loading': 'Loading…',
  'app.notFound': 'There is no screen at this address.',
  'app.backToOverview': 'Back to the overview',
  'app.help': 'Help',
  'app.close': 'Close',
  'app.cancel': 'Cancel',
  'app.retry': 'Try again',
  'app.yes': 'Yes',
  'app.no': 'No',
  'app.requestId': 'Request id: {requestId}',
  'app.recordedView': 'This view is recorded in the audit log under your name.',
  'role.admin': 'administrator',
  'role.statistician': 'statistician',
  'role.pharmacist': 'pharmacist',
  'role.investigator': 'investigator',
  'role.unblinder': 'unblinder',
  'role.monitor': 'monitor',
  'limb.LEFT': 'LEFT leg',
  'limb.RIGHT': 'RIGHT leg',

  // Navigation
  'nav.overview': 'Overview',
  'nav.register': 'Register a participant',
  'nav.allocate': 'Allocate',
  'nav.unblinding': 'Emergency unblinding',
  'nav.reviews': 'Unblinding reviews',
  'nav.auditLog': 'Audit log',
  'nav.blindingRegister': 'Blinding register',
  'nav.randomizationList': 'Randomization list',
  'nav.users': 'Users',
  'nav.studyLock': 'Study lock',

  // Sign-in and session
  'signIn.title': 'Sign in',
  'signIn.intro': 'Sign in with the account the trial unit gave you.',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.signingIn': 'Signing in…',
  'signIn.sessionEnded': 'Your session has ended. Sign in again to go on where you were.',
  'signIn.signedOut': 'You have signed out.',
  'signIn.otherUser':
    'You signed in as another user: the screen you were on was closed, and its data cleared.',
  'session.expiresSoon': 'Your session ends in {minutes} min {seconds} s unless you go on.',
  'session.stay': 'Stay signed in',
  'session.finalWarning':
    'Your session reaches its 12-hour limit in {minutes} min {seconds} s: save your work, then sign in again.',

  // Errors, by the API's stable codes (SPEC section 4)
  'error.VALIDATION_FAILED': 'Some of what you entered is not valid: {message}',
  'error.INVALID_JSON': 'The request could not be read. Reload the page and try again.',
  'error.BODY_TOO_LARGE': 'What you entered is too long.',
  'error.UNSUPPORTED_MEDIA_TYPE': 'The request could not be read. Reload the page and try again.',
  'error.UNAUTHENTICATED': 'Wrong username or password.',
  'error.ACCOUNT_DISABLED':
    'This account is disabled. Ask the administrator of the service to enable it again.',
  'error.TOKEN_EXPIRED': 'Your session has expired. Sign in again.',
  'error.SESSION_EXPIRED': 'Your session has ended. Sign in again.',
  'error.TOKEN_REVOKED': 'Your session was closed (sign-out, new password or disabled account).',
  'error.FORBIDDEN': 'None of your roles allows this.',
  'error.NOT_FOUND': 'Not found.',
  'error.ROUTE_NOT_FOUND': 'Not found.',
  'error.CONFLICT': 'This conflicts with the current state: {message}',
  'error.NOT_ELIGIBLE': 'The participant does not meet the eligibility criteria.',
  'error.ALREADY_ALLOCATED': 'This participant has already been allocated.',
  'error.NOT_ALLOCATED': 'This participant has not been allocated yet.',
  'error.NO_LIST': 'The randomization list has not been generated yet. Ask the statistician.',
  'error.LIST_EXISTS': 'The randomization list has already been generated.',
  'error.LIST_EXHAUSTED': 'No free slot is left in this participant’s stratum.',
  'error.LIST_INTEGRITY_FAILED':
    'The stored list failed its integrity check: allocation is blocked. Call the administrator.',
  'error.NOT_LOCKED': 'This is possible only after the study is locked.',
  'error.STUDY_LOCKED': 'The study is locked.',
  'error.TARGET_REACHED': 'Registration is closed: the target size is reached.',
  'error.DUPLICATE': 'This already exists: {message}',
  'error.LAST_ADMIN':
    'This would leave no active administrator. Create or enable another administrator first.',
  'error.SIGNATURE_FAILED': 'The password is wrong. Nothing was done.',
  'error.SELF_REVIEW': 'You cannot review an unblinding that you did yourself.',
  'error.INVALID_DESIGN': 'The design breaks a rule of the trial: {message}',
  'error.SIMULATION_TOO_LARGE': 'The simulation is too large: {message}',
  'error.THROTTLED': 'Too many attempts. {message}',
  'error.STORAGE_UNAVAILABLE':
    'The server could not store this. Nothing was saved. Try again in a moment.',
  'error.INTERNAL_ERROR':
    'Something went wrong on the server. Quote the request id to the administrator.',
  'error.NETWORK': 'The server cannot be reached. Check the connection and try again.',
  'error.UNKNOWN': 'The server refused this: {message}',

  // Overview
  'overview.title': 'Overview',
  'overview.trial': 'Trial',
  'overview.protocol': 'Protocol',
  'overview.progress': 'Progress',
  'overview.progressValue': '{registered} registered, {allocated} allocated, of {target}',
  'overview.unblindedCount': 'Unblinded participants: {count}',
  'overview.lock': 'Study lock',
  'overview.locked': 'Locked',
  'overview.open': 'Open',
  'overview.list': 'Randomization list',
  'overview.listGenerated': 'Generated {at} ({method})',
  'overview.listMissing': 'Not generated yet',
  'overview.commitment': 'Commitment',
  'overview.participants': 'Participants',
  'overview.blindedNote': 'This table is blinded: it never shows which leg got the cells.',
  'overview.search': 'Find a participant by participant id or screening number',
  'overview.searchButton': 'Find',
  'overview.clearSearch': 'Show all',
  'overview.noParticipants': 'No participant is registered yet.',
  'overview.noMatch': 'No participant has this participant id or screening number.',
  'overview.col.participant': 'Participant',
  'overview.col.screening': 'Screening number',
  'overview.col.status': 'Status',
  'overview.col.registered': 'Registered',
  'overview.col.allocated': 'Allocated',
  'overview.col.seal': 'Seal',
  'overview.sealIntact': 'Intact',
  'overview.sealBroken': 'Broken {at} by {by}: {reason}',
  'status.REGISTERED': 'Registered',
  'status.ALLOCATED': 'Allocated',
  'status.UNBLINDED': 'Unblinded',
  'status.WITHDRAWN': 'Withdrawn',

  // Registration (pharmacist, investigator)
  'register.title': 'Register a participant',
  'register.help':
    'Answer every question from the participant’s screening records; no answer is filled in for you. Each inclusion criterion must be met and no exclusion criterion may apply. The service checks the answers and records the registration, or its refusal, in the audit log.',
  'register.loadFailed': 'The trial’s criteria could not be loaded, so the form cannot be shown.',
  'register.identity': 'Participant',
  'register.screeningNumber': 'Screening number',
  'register.screeningNumberHint':
    'Unique in the trial: letters, digits, dots, slashes, dashes or underscores.',
  'register.age': 'Age (years)',
  'register.ageHint': 'The trial admits ages {min} to {max}.',
  'register.strata': 'Stratification',
  'register.stratumLegend': 'Stratum “{factor}”',
  'register.inclusion': 'Inclusion criteria',
  'register.inclusionHelp': 'Answer Yes when the criterion is met.',
  'register.exclusion': 'Exclusion criteria',
  'register.exclusionHelp': 'Answer Yes when the criterion applies to the participant.',
  'register.submit': 'Register',
  'register.submitting': 'Registering…',
  'register.incomplete': 'The form is not complete, and nothing was sent:',
  'register.missing.screeningNumber': 'Enter a valid screening number.',
  'register.missing.age': 'Enter the age in whole years.',
  'register.missing.stratum': 'Choose a level for “{factor}”.',
  'register.missing.criterion': 'Answer Yes or No: {text}',
  'register.notEligible':
    'Not eligible: the participant was not registered, and the refusal is recorded in the audit log. Failed criteria:',
  'register.failed.age': 'Age: the trial admits {min} to {max} years.',
  'register.failed.inclusion': 'Inclusion criterion not met: {text}',
  'register.failed.exclusion': 'Exclusion criterion applies: {text}',
  'register.failed.unknown': 'Criterion {id}',
  'register.registered':
    'Registered: participant {participantId}, screening number {screeningNumber}, at {at}.',
  'register.allocateNow': 'Allocate {participantId}',
  'register.another': 'Register another participant',

  // Allocation (pharmacist)
  'allocate.title': 'Allocate',
  'allocate.help':
    'Choose a registered participant, check the participant id and the screening number in the confirmation, then allocate. The result shows which leg receives the cells: print the preparation sheet, cut the syringe labels off along the cut line for the ward, and keep the pharmacy copy. Every allocation and every later view of it is recorded in the audit log under your name.',
  'allocate.choose': 'Choose a participant',
  'allocate.find': 'Participant id or screening number',
  'allocate.findButton': 'Choose',
  'allocate.notFound': 'No participant has this participant id or screening number.',
  'allocate.waiting': 'Registered participants waiting for allocation',
  'allocate.noneWaiting': 'No registered participant is waiting for allocation.',
  'allocate.pick': 'Choose {participantId} (screening number {screeningNumber})',
  'allocate.selected': 'Selected participant',
  'allocate.participantId': 'Participant id',
  'allocate.screeningNumber': 'Screening number',
  'allocate.status': 'Status',
  'allocate.allocate': 'Allocate…',
  'allocate.confirmTitle': 'Allocate this participant?',
  'allocate.confirmText':
    'Participant {participantId}, screening number {screeningNumber}, gets the next free slot of the randomization list. An allocation is final: it cannot be undone or repeated.',
  'allocate.confirm': 'Allocate now',
  'allocate.allocating': 'Allocating…',
  'allocate.alreadyAllocated':
    'This participant is already allocated. Showing the allocation again is recorded in the audit log.',
  'allocate.reread': 'Show allocation again',
  'allocate.resultTitle': 'Allocation of participant {participantId}',
  'allocate.panelLine': '{syringe} → {target}',
  'allocate.slot': 'Slot',
  'allocate.allocatedAt': 'Allocated',
  'allocate.preparation': 'Preparation',
  'allocate.fromTrialFile': 'As written in the trial file and printed on the sheet.',
  'allocate.product': 'Product',
  'allocate.site': 'Injection site',
  'allocate.syringeLine': '{syringe} → {target}: {contents}, {volume} ml',
  'allocate.injections': '{count} injections of {volume} ml per syringe',
  'allocate.needle': 'Needle',
  'allocate.instructions': 'Instructions',
  'allocate.print': 'Print the preparation sheet',
  'allocate.printing': 'Preparing the sheet…',
  'allocate.printFrame': 'Preparation sheet for printing',
  'allocate.hide': 'Hide the allocation',

  // Emergency unblinding (unblinder)
  'unblinding.title': 'Emergency unblinding',

  // Reviews (admin, unblinder)
  'reviews.title': 'Unblinding reviews',

  // Audit log and blinding register (monitor, admin)
  'audit.title': 'Audit log',
  'register.blindingTitle': 'Blinding register',

  // Randomization list (statistician)
  'list.title': 'Randomization list',
  'list.intro':
    'Here you compare list designs before committing to one, generate the sealed list once, and after the study lock download the full list for the final analysis. Nothing on this screen shows anyone’s allocation.',
  'list.method.simple': 'simple randomization',
  'list.method.permuted-blocks': 'permuted blocks',
  'list.sim.heading': 'Simulate the design',
  'list.sim.help':
    'Each run draws a whole list with a fresh random seed, never the trial’s list. The figures say how unbalanced the groups can get after k enrolments, and how often someone who knows every earlier allocation would guess the next one right. Each simulation is recorded in the audit log.',
  'list.sim.runs': 'Runs (lists to draw)',
  'list.sim.runsHint':
    '1 to 10,000; runs × slots at most 1,000,000. Leave empty for 10,000, or as many as that bound allows.',
  'list.sim.runsInvalid': 'Runs must be a whole number, written with digits only.',
  'list.sim.designLegend': 'Design to simulate',
  'list.sim.trialDesign': 'The trial’s own design (from the trial file)',
  'list.sim.variantDesign': 'A variant',
  'list.sim.method': 'Method',
  'list.sim.blockSizes': 'Block sizes (comma-separated)',
  'list.sim.blockSizesHint':
    'For example 2, 4. Each must be a multiple of the ratio total (2 for 1:1), and together they must fill the list exactly.',
  'list.sim.blockSizesInvalid':
    'Block sizes must be whole numbers separated by commas, for example 2, 4.',
  'list.sim.slots': 'Slots per stratum',
  'list.sim.slotsHint': 'At most 10,000. Leave empty for the trial’s target size.',
  'list.sim.slotsInvalid': 'Slots per stratum must be a whole number, written with digits only.',
  'list.sim.run': 'Run the simulation',
  'list.sim.running': 'Simulating…',
  'list.sim.resultHeading': 'Simulation results',
  'list.sim.design': 'Design',
  'list.sim.sourceTrial': 'the trial’s design',
  'list.sim.sourceVariant': 'variant',
  'list.sim.designBlocks': '{method}, block sizes {sizes}, {slots} slots per stratum',
  'list.sim.designSimple': '{method}, {slots} slots per stratum',
  'list.sim.ratio': 'Targets and ratio',
  'list.sim.runsDone': 'Runs',
  'list.sim.seed': 'Simulation seed',
  'list.sim.reproduceTrial':
    'This seed is the simulation’s own, unrelated to the list. To reproduce these figures on the command line:',
  'list.sim.reproduceVariant':
    'This seed is the simulation’s own, unrelated to the list. To reproduce these figures, run this with a copy of the trial file whose randomization section holds this variant:',
  'list.sim.reproduceCommand':
    'npm run cli -- list simulate --trial <trial file> --runs {runs} --seed {seed}',
  'list.sim.correctGuesses': 'Expected correct guesses',
  'list.sim.correctGuessesValue':
    '{expected} of {slots} allocations ({share}; guessing the most frequent target blindly: {chance})',
  'list.sim.blocksPerList': 'Mean blocks per list',
  'list.sim.noBlocks': 'None: simple randomization has no blocks.',
  'list.sim.blockCount': 'size {size}: {mean}',
  'list.chart.legend': 'Legend',
  'list.chart.showTable': 'Show the figures as a table',
  'list.chart.enrolments': 'Enrolments (k)',
  'list.chart.k': 'k (enrolments)',
  'list.chart.imbalance': 'Imbalance',
  'list.chart.probability': 'Probability',
  'list.chart.imbalanceTitle': 'Mean and maximum imbalance against enrolments',
  'list.chart.imbalanceDesc':
    'Imbalance between the targets after k enrolments, over {runs} simulated lists of {slots} slots. The largest imbalance seen is {peak}; at the end of the list the mean imbalance is {final}.',
  'list.chart.imbalanceTable': 'Imbalance after k enrolments',
  'list.chart.meanImbalance': 'Mean imbalance',
  'list.chart.maxImbalance': 'Maximum imbalance',
  'list.chart.guessTitle': 'Probability of a correct guess of the k-th allocation',
  'list.chart.guessDesc':
    'How often an observer who knows every earlier allocation guesses the k-th one right, over {runs} simulated lists, against chance ({chance}, the dotted line). The highest probability is {peak}, at k = {k}.',
  'list.chart.guessTable': 'Probability of a correct guess of the k-th allocation',
  'list.chart.correctGuess': 'P(correct guess of the k-th)',
  'list.chart.soFar': 'Share right among the first k',
  'list.chart.chance': 'Chance',
  'list.gen.heading': 'Generate the list',
  'list.gen.help':
    'The list is generated once, from the trial file’s design, and sealed at once: nobody, you included, can read it until the study is locked. Only its commitment is shown, so that anyone can check later that the list was not changed.',
  'list.gen.seed': 'Your own seed (optional)',
  'list.gen.seedHint':
    'Leave it empty to have 256 random bits drawn: that is the safer choice. If you choose one, use at least 16 characters (printable ASCII) and never one that has been shown or written anywhere: whoever guesses it can rebuild the whole list.',
  'list.gen.seedShort':
    'The seed must have at least 16 characters: anyone who guesses it can rebuild the list. Leave it empty to have one drawn.',
  'list.gen.seedLong': 'The seed may have at most 256 characters.',
  'list.gen.seedNotPrintable':
    'The seed may hold only printable ASCII characters (letters without accents, digits, spaces and punctuation).',
  'list.gen.start': 'Generate the list',
  'list.gen.confirmTitle': 'Generate the randomization list?',
  'list.gen.confirmUndo': 'This cannot be undone: the trial has one list, and it is made now.',
  'list.gen.confirmSealed':
    'The list is sealed at once. Nobody, you included, sees it until the study is locked; then it can be exported for the final analysis.',
  'list.gen.confirmDrawn': 'A seed of 256 random bits will be drawn.',
  'list.gen.confirmOwnSeed': 'Your own seed will be used. It is not shown again until the export.',
  'list.gen.confirm': 'Generate and seal the list',
  'list.gen.generating': 'Generating the list…',
  'list.gen.done': 'The list is generated and sealed.',
  'list.gen.commitment': 'Commitment',
  'list.gen.method': 'Method',
  'list.gen.generatedAt': 'Generated',
  'list.gen.commitmentHelp':
    'The commitment is also in the audit log (LIST_GENERATED). Keep a copy of it outside this service: after lock, list verify checks the exported list against it.',
  'list.gen.exists': 'The list was generated {at} ({method}) and is sealed.',
  'list.export.heading': 'Export the list after lock',
  'list.export.warningLabel': 'Warning:',
  'list.export.warning':
    'this file unblinds everyone. It holds every slot’s limb and who got it, with the seed.',
  'list.export.keep':
    'Keep it only where the analysis plan says (for example the restricted part of the trial master file), never in e-mail, a shared folder or a removable drive, and give it only to those who do the final analysis.',
  'list.export.verifyHelp':
    'Anyone can check the file offline: it regenerates the list from the seed and checks every slot, the commitment, the signature (with the audit signing public key, the publicKey of GET /api/audit-log/checkpoint, obtained separately) and who got which slot (against an audit log export, GET /api/audit-log):',
  'list.export.verifyCommand':
    'npm run cli -- list verify <export.json> --public-key <key> --audit <audit export>',
  'list.export.verifyWhere':
    'Without --public-key and --audit it says NOT FULLY VERIFIED and names what it did not check.',
  'list.export.waitsForLock':
    'The export opens after the study is locked. The study is still open, so the server will refuse it.',
  'list.export.download': 'Download the list export (JSON)',
  'list.export.downloading': 'Preparing the download…',
  'list.export.saved': 'Downloaded as {file}.',
  'list.export.recorded': 'Each export is recorded in the audit log under your name.',

  // Users and study lock (admin)
  'users.title': 'Users',
  'lock.title': 'Study lock',
} as const;

export type MessageKey = keyof typeof en;
