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
  'list.intro':
    'Aquí se comparan diseños de lista antes de decidirse por uno, se genera una sola vez la lista precintada y, tras el cierre del estudio, se descarga la lista completa para el análisis final. Nada en esta pantalla muestra la asignación de nadie.',
  'list.method.simple': 'aleatorización simple',
  'list.method.permuted-blocks': 'bloques permutados',
  'list.sim.heading': 'Simular el diseño',
  'list.sim.help':
    'Cada ejecución genera una lista completa con una semilla aleatoria nueva, nunca la lista del ensayo. Las cifras indican cuánto pueden desequilibrarse los grupos tras k inclusiones y con qué frecuencia acertaría la siguiente asignación quien conozca todas las anteriores. Cada simulación queda registrada en el registro de auditoría.',
  'list.sim.runs': 'Ejecuciones (listas a generar)',
  'list.sim.runsHint':
    'De 1 a 10.000; ejecuciones × plazas como máximo 1.000.000. Déjelo vacío para 10.000, o tantas como permita ese límite.',
  'list.sim.runsInvalid': 'Las ejecuciones deben ser un número entero, escrito solo con cifras.',
  'list.sim.designLegend': 'Diseño a simular',
  'list.sim.trialDesign': 'El diseño del propio ensayo (del fichero del ensayo)',
  'list.sim.variantDesign': 'Una variante',
  'list.sim.method': 'Método',
  'list.sim.blockSizes': 'Tamaños de bloque (separados por comas)',
  'list.sim.blockSizesHint':
    'Por ejemplo 2, 4. Cada uno debe ser múltiplo de la suma de la razón (2 para 1:1) y, juntos, deben llenar la lista exactamente.',
  'list.sim.blockSizesInvalid':
    'Los tamaños de bloque deben ser números enteros separados por comas, por ejemplo 2, 4.',
  'list.sim.slots': 'Plazas por estrato',
  'list.sim.slotsHint': 'Como máximo 10.000. Déjelo vacío para el tamaño previsto del ensayo.',
  'list.sim.slotsInvalid':
    'Las plazas por estrato deben ser un número entero, escrito solo con cifras.',
  'list.sim.run': 'Ejecutar la simulación',
  'list.sim.running': 'Simulando…',
  'list.sim.resultHeading': 'Resultados de la simulación',
  'list.sim.design': 'Diseño',
  'list.sim.sourceTrial': 'el diseño del ensayo',
  'list.sim.sourceVariant': 'variante',
  'list.sim.designBlocks': '{method}, tamaños de bloque {sizes}, {slots} plazas por estrato',
  'list.sim.designSimple': '{method}, {slots} plazas por estrato',
  'list.sim.ratio': 'Grupos y razón',
  'list.sim.runsDone': 'Ejecuciones',
  'list.sim.seed': 'Semilla de la simulación',
  'list.sim.reproduceTrial':
    'Esta semilla es propia de la simulación y no guarda relación con la lista. Para reproducir estas cifras en la línea de órdenes:',
  'list.sim.reproduceVariant':
    'Esta semilla es propia de la simulación y no guarda relación con la lista. Para reproducir estas cifras, ejecute esto con una copia del fichero del ensayo cuya sección de aleatorización contenga esta variante:',
  'list.sim.reproduceCommand':
    'npm run cli -- list simulate --trial <fichero del ensayo> --runs {runs} --seed {seed}',
  'list.sim.correctGuesses': 'Aciertos esperados',
  'list.sim.correctGuessesValue':
    '{expected} de {slots} asignaciones ({share}; apostando a ciegas por el grupo más frecuente: {chance})',
  'list.sim.blocksPerList': 'Bloques por lista (media)',
  'list.sim.noBlocks': 'Ninguno: la aleatorización simple no tiene bloques.',
  'list.sim.blockCount': 'tamaño {size}: {mean}',
  'list.chart.legend': 'Leyenda',
  'list.chart.showTable': 'Ver las cifras en una tabla',
  'list.chart.enrolments': 'Inclusiones (k)',
  'list.chart.k': 'k (inclusiones)',
  'list.chart.imbalance': 'Desequilibrio',
  'list.chart.probability': 'Probabilidad',
  'list.chart.imbalanceTitle': 'Desequilibrio medio y máximo según las inclusiones',
  'list.chart.imbalanceDesc':
    'Desequilibrio entre los grupos tras k inclusiones, en {runs} listas simuladas de {slots} plazas. El mayor desequilibrio observado es {peak}; al final de la lista el desequilibrio medio es {final}.',
  'list.chart.imbalanceTable': 'Desequilibrio tras k inclusiones',
  'list.chart.meanImbalance': 'Desequilibrio medio',
  'list.chart.maxImbalance': 'Desequilibrio máximo',
  'list.chart.guessTitle': 'Probabilidad de acertar la k-ésima asignación',
  'list.chart.guessDesc':
    'Con qué frecuencia acierta la k-ésima asignación un observador que conoce todas las anteriores, en {runs} listas simuladas, frente al azar ({chance}, la línea de puntos). La probabilidad más alta es {peak}, con k = {k}.',
  'list.chart.guessTable': 'Probabilidad de acertar la k-ésima asignación',
  'list.chart.correctGuess': 'P(acierto de la k-ésima)',
  'list.chart.soFar': 'Proporción de aciertos en las k primeras',
  'list.chart.chance': 'Azar',
  'list.gen.heading': 'Generar la lista',
  'list.gen.help':
    'La lista se genera una sola vez, con el diseño del fichero del ensayo, y queda precintada al momento: nadie, tampoco usted, puede leerla hasta el cierre del estudio. Solo se muestra su compromiso, para que cualquiera pueda comprobar después que la lista no se cambió.',
  'list.gen.seed': 'Su propia semilla (opcional)',
  'list.gen.seedHint':
    'Déjela vacía para que se generen 256 bits aleatorios: es la opción más segura. Si elige una, use al menos 16 caracteres (ASCII imprimible) y nunca una que se haya mostrado o escrito en algún sitio: quien la adivine puede reconstruir toda la lista.',
  'list.gen.seedShort':
    'La semilla debe tener al menos 16 caracteres: quien la adivine puede reconstruir la lista. Déjela vacía para que se genere una.',
  'list.gen.seedLong': 'La semilla puede tener como máximo 256 caracteres.',
  'list.gen.seedNotPrintable':
    'La semilla solo puede contener caracteres ASCII imprimibles (letras sin tilde ni eñe, cifras, espacios y signos de puntuación).',
  'list.gen.start': 'Generar la lista',
  'list.gen.confirmTitle': '¿Generar la lista de aleatorización?',
  'list.gen.confirmUndo': 'No se puede deshacer: el ensayo tiene una sola lista, y se crea ahora.',
  'list.gen.confirmSealed':
    'La lista queda precintada al momento. Nadie, tampoco usted, la ve hasta el cierre del estudio; entonces se podrá exportar para el análisis final.',
  'list.gen.confirmDrawn': 'Se generará una semilla de 256 bits aleatorios.',
  'list.gen.confirmOwnSeed':
    'Se usará su propia semilla. No se vuelve a mostrar hasta la exportación.',
  'list.gen.confirm': 'Generar y precintar la lista',
  'list.gen.generating': 'Generando la lista…',
  'list.gen.done': 'La lista está generada y precintada.',
  'list.gen.commitment': 'Compromiso',
  'list.gen.method': 'Método',
  'list.gen.generatedAt': 'Generada',
  'list.gen.commitmentHelp':
    'El compromiso también está en el registro de auditoría (LIST_GENERATED). Guarde una copia fuera de este servicio: tras el cierre, list verify comprueba con él la lista exportada.',
  'list.gen.exists': 'La lista se generó el {at} ({method}) y está precintada.',
  'list.export.heading': 'Exportar la lista tras el cierre',
  'list.export.warningLabel': 'Atención:',
  'list.export.warning':
    'este fichero desenmascara a todos. Contiene la pierna de cada plaza y quién la recibió, con la semilla.',
  'list.export.keep':
    'Guárdelo solo donde indique el plan de análisis (por ejemplo, la parte restringida del archivo maestro del ensayo), nunca en el correo, una carpeta compartida o un dispositivo extraíble, y entréguelo solo a quienes hagan el análisis final.',
  'list.export.verifyHelp':
    'Cualquiera puede comprobar el fichero sin conexión: regenera la lista desde la semilla y comprueba cada plaza, el compromiso, la firma (con la clave pública de firma de auditoría, el publicKey de GET /api/audit-log/checkpoint, obtenida por otra vía) y quién recibió cada plaza (frente a una exportación del registro de auditoría, GET /api/audit-log):',
  'list.export.verifyCommand':
    'npm run cli -- list verify <export.json> --public-key <clave> --audit <exportación de auditoría>',
  'list.export.verifyWhere':
    'Sin --public-key y --audit indica NOT FULLY VERIFIED y nombra lo que no comprobó.',
  'list.export.waitsForLock':
    'La exportación se abre tras el cierre del estudio. El estudio sigue abierto, así que el servidor la rechazará.',
  'list.export.download': 'Descargar la exportación de la lista (JSON)',
  'list.export.downloading': 'Preparando la descarga…',
  'list.export.saved': 'Descargada como {file}.',
  'list.export.recorded':
    'Cada exportación queda registrada en el registro de auditoría a su nombre.',

  // Users and study lock (admin)
  'users.title': 'Usuarios',
  'lock.title': 'Cierre del estudio',
};
