import type { MessageKey } from './messages-en';

/** El catálogo en español: las mismas claves que el inglés (messages-en.ts), ni una más ni una menos. */
export const es: Record<MessageKey, string> = {
  // Shell
  'app.name': 'Aleatorización y enmascaramiento del ensayo',
  'app.skipToContent': 'Saltar al contenido principal',
  'language.en': 'English',
  'language.es': 'Español',
  'session.warningTitle': 'Sesión',
  'app.language': 'Idioma',
  'app.signedInAs': 'Sesión de {username} ({roles})',
  'app.signOut': 'Cerrar sesión',
  'app.navigation': 'Secciones',
  'app.loading': 'Cargando…',
  'app.notFound': 'No hay ninguna pantalla en esta dirección.',
  'app.backToOverview': 'Volver al resumen',
  'app.help': 'Ayuda',
  'app.close': 'Cerrar',
  'app.cancel': 'Cancelar',
  'app.retry': 'Reintentar',
  'app.yes': 'Sí',
  'app.no': 'No',
  'app.requestId': 'Identificador de la petición: {requestId}',
  'app.recordedView': 'Esta consulta queda registrada a su nombre en el registro de auditoría.',
  'role.admin': 'administrador',
  'role.statistician': 'estadístico',
  'role.pharmacist': 'farmacéutico',
  'role.investigator': 'investigador',
  'role.unblinder': 'desenmascarador',
  'role.monitor': 'monitor',
  'limb.LEFT': 'pierna IZQUIERDA',
  'limb.RIGHT': 'pierna DERECHA',

  // Navigation
  'nav.overview': 'Resumen',
  'nav.register': 'Registrar un participante',
  'nav.allocate': 'Asignar',
  'nav.unblinding': 'Desenmascaramiento de urgencia',
  'nav.reviews': 'Revisión de desenmascaramientos',
  'nav.auditLog': 'Registro de auditoría',
  'nav.blindingRegister': 'Registro de enmascaramiento',
  'nav.randomizationList': 'Lista de aleatorización',
  'nav.users': 'Usuarios',
  'nav.studyLock': 'Cierre del estudio',

  // Sign-in and session
  'signIn.title': 'Iniciar sesión',
  'signIn.intro': 'Inicie sesión con la cuenta que le dio la unidad de ensayos.',
  'signIn.username': 'Usuario',
  'signIn.password': 'Contraseña',
  'signIn.submit': 'Iniciar sesión',
  'signIn.signingIn': 'Iniciando sesión…',
  'signIn.sessionEnded': 'Su sesión ha terminado. Inicie sesión de nuevo para seguir donde estaba.',
  'signIn.signedOut': 'Ha cerrado la sesión.',
  'signIn.otherUser':
    'Ha iniciado sesión como otro usuario: la pantalla en la que estaba se cerró y sus datos se borraron.',
  'session.expiresSoon': 'Su sesión termina en {minutes} min {seconds} s si no continúa.',
  'session.stay': 'Mantener la sesión',
  'session.finalWarning':
    'Su sesión alcanza su límite de 12 horas en {minutes} min {seconds} s: guarde su trabajo e inicie sesión de nuevo.',

  // Errors, by the API's stable codes (SPEC section 4)
  'error.VALIDATION_FAILED': 'Parte de lo introducido no es válido: {message}',
  'error.INVALID_JSON': 'No se pudo leer la petición. Recargue la página y vuelva a intentarlo.',
  'error.BODY_TOO_LARGE': 'Lo introducido es demasiado largo.',
  'error.UNSUPPORTED_MEDIA_TYPE':
    'No se pudo leer la petición. Recargue la página y vuelva a intentarlo.',
  'error.UNAUTHENTICATED': 'Usuario o contraseña incorrectos.',
  'error.ACCOUNT_DISABLED':
    'Esta cuenta está desactivada. Pida al administrador del servicio que la active de nuevo.',
  'error.TOKEN_EXPIRED': 'Su sesión ha caducado. Inicie sesión de nuevo.',
  'error.SESSION_EXPIRED': 'Su sesión ha terminado. Inicie sesión de nuevo.',
  'error.TOKEN_REVOKED':
    'Su sesión se cerró (cierre de sesión, contraseña nueva o cuenta desactivada).',
  'error.FORBIDDEN': 'Ninguno de sus roles lo permite.',
  'error.NOT_FOUND': 'No encontrado.',
  'error.ROUTE_NOT_FOUND': 'No encontrado.',
  'error.CONFLICT': 'Esto entra en conflicto con el estado actual: {message}',
  'error.NOT_ELIGIBLE': 'El participante no cumple los criterios de elegibilidad.',
  'error.ALREADY_ALLOCATED': 'Este participante ya ha sido asignado.',
  'error.NOT_ALLOCATED': 'Este participante aún no ha sido asignado.',
  'error.NO_LIST': 'La lista de aleatorización aún no se ha generado. Consulte con el estadístico.',
  'error.LIST_EXISTS': 'La lista de aleatorización ya se ha generado.',
  'error.LIST_EXHAUSTED': 'No queda ninguna plaza libre en el estrato de este participante.',
  'error.LIST_INTEGRITY_FAILED':
    'La lista almacenada no superó su comprobación de integridad: la asignación está bloqueada. Llame al administrador.',
  'error.NOT_LOCKED': 'Solo es posible después del cierre del estudio.',
  'error.STUDY_LOCKED': 'El estudio está cerrado.',
  'error.TARGET_REACHED': 'El registro está cerrado: se alcanzó el tamaño previsto.',
  'error.DUPLICATE': 'Ya existe: {message}',
  'error.LAST_ADMIN':
    'Así no quedaría ningún administrador activo. Cree o habilite antes otro administrador.',
  'error.SIGNATURE_FAILED': 'La contraseña es incorrecta. No se ha hecho nada.',
  'error.SELF_REVIEW': 'No puede revisar un desenmascaramiento que hizo usted mismo.',
  'error.INVALID_DESIGN': 'El diseño incumple una regla del ensayo: {message}',
  'error.SIMULATION_TOO_LARGE': 'La simulación es demasiado grande: {message}',
  'error.THROTTLED': 'Demasiados intentos. {message}',
  'error.STORAGE_UNAVAILABLE':
    'El servidor no pudo guardarlo. No se ha guardado nada. Vuelva a intentarlo en un momento.',
  'error.INTERNAL_ERROR':
    'Algo ha fallado en el servidor. Indique el identificador de la petición al administrador.',
  'error.NETWORK': 'No se puede contactar con el servidor. Compruebe la conexión y reintente.',
  'error.UNKNOWN': 'El servidor lo ha rechazado: {message}',

  // Overview
  'overview.title': 'Resumen',
  'overview.trial': 'Ensayo',
  'overview.protocol': 'Protocolo',
  'overview.progress': 'Progreso',
  'overview.progressValue': '{registered} registrados, {allocated} asignados, de {target}',
  'overview.unblindedCount': 'Participantes desenmascarados: {count}',
  'overview.lock': 'Cierre del estudio',
  'overview.locked': 'Cerrado',
  'overview.open': 'Abierto',
  'overview.list': 'Lista de aleatorización',
  'overview.listGenerated': 'Generada el {at} ({method})',
  'overview.listMissing': 'Aún no generada',
  'overview.commitment': 'Compromiso',
  'overview.participants': 'Participantes',
  'overview.blindedNote':
    'Esta tabla está enmascarada: nunca muestra qué pierna recibió las células.',
  'overview.search': 'Buscar un participante por identificador o número de selección',
  'overview.searchButton': 'Buscar',
  'overview.clearSearch': 'Mostrar todos',
  'overview.noParticipants': 'Aún no hay ningún participante registrado.',
  'overview.noMatch': 'Ningún participante tiene este identificador o número de selección.',
  'overview.col.participant': 'Participante',
  'overview.col.screening': 'Número de selección',
  'overview.col.status': 'Estado',
  'overview.col.registered': 'Registrado',
  'overview.col.allocated': 'Asignado',
  'overview.col.seal': 'Precinto',
  'overview.sealIntact': 'Intacto',
  'overview.sealBroken': 'Roto el {at} por {by}: {reason}',
  'status.REGISTERED': 'Registrado',
  'status.ALLOCATED': 'Asignado',
  'status.UNBLINDED': 'Desenmascarado',
  'status.WITHDRAWN': 'Retirado',

  // Registration (pharmacist, investigator)
  'register.title': 'Registrar un participante',
  'register.help':
    'Responda a cada pregunta según la documentación de selección del participante; ninguna respuesta viene marcada de antemano. Debe cumplirse cada criterio de inclusión y no debe darse ningún criterio de exclusión. El servicio comprueba las respuestas y deja constancia del registro, o de su rechazo, en el registro de auditoría.',
  'register.loadFailed':
    'No se han podido cargar los criterios del ensayo, por lo que no se puede mostrar el formulario.',
  'register.identity': 'Participante',
  'register.screeningNumber': 'Número de selección',
  'register.screeningNumberHint':
    'Único en el ensayo: letras, cifras, puntos, barras, guiones o guiones bajos.',
  'register.age': 'Edad (años)',
  'register.ageHint': 'El ensayo admite edades de {min} a {max} años.',
  'register.strata': 'Estratificación',
  'register.stratumLegend': 'Estrato «{factor}»',
  'register.inclusion': 'Criterios de inclusión',
  'register.inclusionHelp': 'Responda Sí cuando se cumple el criterio.',
  'register.exclusion': 'Criterios de exclusión',
  'register.exclusionHelp': 'Responda Sí cuando el criterio se da en el participante.',
  'register.submit': 'Registrar',
  'register.submitting': 'Registrando…',
  'register.incomplete': 'El formulario no está completo y no se ha enviado nada:',
  'register.missing.screeningNumber': 'Introduzca un número de selección válido.',
  'register.missing.age': 'Introduzca la edad en años cumplidos.',
  'register.missing.stratum': 'Elija un nivel para «{factor}».',
  'register.missing.criterion': 'Responda Sí o No: {text}',
  'register.notEligible':
    'No cumple los criterios: el participante no se ha registrado y el rechazo consta en el registro de auditoría. Criterios no superados:',
  'register.failed.age': 'Edad: el ensayo admite de {min} a {max} años.',
  'register.failed.inclusion': 'Criterio de inclusión no cumplido: {text}',
  'register.failed.exclusion': 'Se da un criterio de exclusión: {text}',
  'register.failed.unknown': 'Criterio {id}',
  'register.registered':
    'Registrado: participante {participantId}, número de selección {screeningNumber}, el {at}.',
  'register.allocateNow': 'Asignar {participantId}',
  'register.another': 'Registrar otro participante',

  // Allocation (pharmacist)
  'allocate.title': 'Asignar',
  'allocate.help':
    'Elija un participante registrado, compruebe el identificador y el número de selección en la confirmación y asigne. El resultado indica qué pierna recibe las células: imprima la hoja de preparación, recorte por la línea de corte las etiquetas de las jeringas para la planta y guarde la copia de farmacia. Cada asignación y cada consulta posterior quedan registradas a su nombre en el registro de auditoría.',
  'allocate.choose': 'Elegir un participante',
  'allocate.find': 'Identificador de participante o número de selección',
  'allocate.findButton': 'Elegir',
  'allocate.notFound': 'Ningún participante tiene este identificador o número de selección.',
  'allocate.waiting': 'Participantes registrados pendientes de asignación',
  'allocate.noneWaiting': 'No hay participantes registrados pendientes de asignación.',
  'allocate.pick': 'Elegir {participantId} (número de selección {screeningNumber})',
  'allocate.selected': 'Participante elegido',
  'allocate.participantId': 'Identificador de participante',
  'allocate.screeningNumber': 'Número de selección',
  'allocate.status': 'Estado',
  'allocate.allocate': 'Asignar…',
  'allocate.confirmTitle': '¿Asignar este participante?',
  'allocate.confirmText':
    'El participante {participantId}, con número de selección {screeningNumber}, recibe la siguiente posición libre de la lista de aleatorización. La asignación es definitiva: no se puede deshacer ni repetir.',
  'allocate.confirm': 'Asignar ahora',
  'allocate.allocating': 'Asignando…',
  'allocate.alreadyAllocated':
    'Este participante ya está asignado. Volver a mostrar la asignación queda registrado en el registro de auditoría.',
  'allocate.reread': 'Mostrar de nuevo la asignación',
  'allocate.resultTitle': 'Asignación del participante {participantId}',
  'allocate.panelLine': '{syringe} → {target}',
  'allocate.slot': 'Posición',
  'allocate.allocatedAt': 'Asignado',
  'allocate.preparation': 'Preparación',
  'allocate.fromTrialFile': 'Tal como figura en el fichero del ensayo y en la hoja impresa.',
  'allocate.product': 'Producto',
  'allocate.site': 'Lugar de inyección',
  'allocate.syringeLine': '{syringe} → {target}: {contents}, {volume} ml',
  'allocate.injections': '{count} inyecciones de {volume} ml por jeringa',
  'allocate.needle': 'Aguja',
  'allocate.instructions': 'Instrucciones',
  'allocate.print': 'Imprimir la hoja de preparación',
  'allocate.printing': 'Preparando la hoja…',
  'allocate.printFrame': 'Hoja de preparación para imprimir',
  'allocate.hide': 'Ocultar la asignación',

  // Emergency unblinding (unblinder)
  'unblinding.title': 'Desenmascaramiento de urgencia',

  // Reviews (admin, unblinder)
  'reviews.title': 'Revisión de desenmascaramientos',

  // Audit log and blinding register (monitor, admin)
  'audit.title': 'Registro de auditoría',
  'register.blindingTitle': 'Registro de enmascaramiento',

  // Randomization list (statistician)
  'list.title': 'Lista de aleatorización',

  // Users and study lock (admin)
  'users.title': 'Usuarios',
  'lock.title': 'Cierre del estudio',
};
