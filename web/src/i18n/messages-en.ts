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

  // Users and study lock (admin)
  'users.title': 'Users',
  'lock.title': 'Study lock',
} as const;

export type MessageKey = keyof typeof en;
