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
  'app.training': 'FORMACIÓN — NO APTO PARA USO CLÍNICO',
  'app.trainingHelp':
    'Esta es una instancia de práctica para la formación del personal. Nada de lo que se introduce aquí son datos clínicos; no la use nunca para un participante real.',
  'app.recordedView': 'Esta consulta queda registrada a su nombre en el registro de auditoría.',
  'role.admin': 'administrador',
  'role.statistician': 'estadístico',
  'role.pharmacist': 'farmacéutico',
  'role.investigator': 'investigador',
  'role.unblinder': 'desenmascarador',
  'role.monitor': 'monitor',
  'role.assessor': 'evaluador de resultados',
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
  'nav.blindingGuesses': 'Evaluación del enmascaramiento',
  'nav.blindingIndex': 'Índice de enmascaramiento',

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
  'error.NO_CHANGE': 'La corrección no cambia nada: cada valor es el ya registrado.',
  'error.STRATUM_FIXED':
    'Este participante ya está asignado: los estratos que eligieron su lista ya no pueden cambiar.',
  'error.ALREADY_WITHDRAWN': 'Este participante ya ha sido retirado.',
  'error.WITHDRAWN': 'Este participante ha sido retirado y no puede ser asignado.',
  'error.LAST_ADMIN':
    'Así no quedaría ningún administrador activo. Cree o habilite antes otro administrador.',
  'error.SIGNATURE_FAILED': 'La contraseña es incorrecta. No se ha hecho nada.',
  'error.SELF_REVIEW': 'No puede revisar un desenmascaramiento que hizo usted mismo.',
  'error.ALREADY_GUESSED':
    'Esta respuesta ya está registrada para este participante. Una respuesta nunca se cambia.',
  'error.GUESSER_NOT_BLINDED':
    'Usted tiene un rol que ve las asignaciones (farmacéutico o desenmascarador): debe registrar esta respuesta un evaluador o investigador enmascarado.',
  'error.SEAL_BROKEN':
    'Este participante fue desenmascarado: ya no se puede registrar una respuesta para él.',
  'error.INVALID_DESIGN': 'El diseño incumple una regla del ensayo: {message}',
  'error.SIMULATION_TOO_LARGE': 'La simulación es demasiado grande: {message}',
  'error.TRAINING_ONLY':
    'Solo una instancia de formación puede hacerlo; la lista de un ensayo clínico nunca puede reiniciarse.',
  'error.ENVELOPE_NOT_FOUND':
    'No hay ningún sobre de contingencia con este número. Compruebe el número impreso en el exterior.',
  'error.ENVELOPE_USED': 'Este sobre ya se ha usado para un participante. {message}',
  'error.ENVELOPE_VOIDED': 'Este sobre se anuló al cerrar el estudio y ya no puede usarse.',
  'error.ENVELOPE_NOT_PRINTED':
    'Este sobre nunca se imprimió, así que no puede haberse abierto. Compruebe el número del sobre.',
  'error.ENVELOPE_WRONG_STRATUM':
    'Este sobre pertenece a otro estrato que el del participante. {message}',
  'error.ENVELOPE_CODE_WRONG':
    'El código de apertura no es el impreso dentro de este sobre (su última impresión). Compruébelo y escríbalo de nuevo.',
  'error.OPENING_TIME_INVALID': 'La hora de apertura es imposible: {message}',
  'error.THROTTLED': 'Demasiados intentos. {message}',
  'error.STORAGE_UNAVAILABLE':
    'El servidor no pudo guardarlo. No se ha guardado nada. Vuelva a intentarlo en un momento.',
  'error.BLINDING_KEY_ROTATED':
    'El servidor se está reiniciando con una clave nueva. No se ha guardado nada. Vuelva a intentarlo en un momento.',
  'error.NOT_READY': 'El servidor no está listo para trabajar. Avise al administrador.',
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

  'overview.col.actions': 'Acciones',
  'overview.changeHelp':
    'Corregir enmienda un error de un registro; Retirar deja constancia de que un participante sale del ensayo. Ambas acciones piden un motivo, que el registro de auditoría guarda con los valores anteriores y los nuevos.',
  'overview.correct': 'Corregir',
  'overview.correctFor': 'Corregir {participantId}',
  'overview.withdraw': 'Retirar',
  'overview.withdrawFor': 'Retirar {participantId}',
  'overview.withdrawnDetail': 'Retirado el {at} por {by}: {reason}',
  'overview.reasonHint':
    'Al menos 10 caracteres. Todos los roles pueden leerlo en el registro de auditoría: no nombre nunca una pierna ni un lado.',
  'overview.correct.title': 'Corregir el registro de {participantId}',
  'overview.correct.help':
    'Aún no asignado: se puede corregir cualquier campo y la elegibilidad se comprueba de nuevo. Cambie solo lo que esté mal.',
  'overview.correct.helpAllocated':
    'Ya asignado: los estratos no pueden cambiar. Se pueden corregir el número de cribado, la edad y las respuestas; la asignación se mantiene.',
  'overview.correct.reason': 'Motivo de la corrección',
  'overview.correct.screening': 'Número de cribado',
  'overview.correct.age': 'Edad corregida (años)',
  'overview.correct.ageHint':
    'Déjela vacía para conservar la edad registrada. El ensayo admite edades de {min} a {max} años.',
  'overview.correct.answers': 'Respuestas corregidas',
  'overview.correct.answersHint':
    'Cambie solo la respuesta que se anotó mal; las demás quedan como se registraron.',
  'overview.answer.unchanged': 'Como se registró',
  'overview.answer.met': 'Sí: se cumple',
  'overview.answer.notMet': 'No: no se cumple',
  'overview.correct.strata': 'Estratos',
  'overview.correct.strataHint':
    'Estrato registrado: {stratum}. Elija un nivel para cada factor, o déjelos todos como se registraron.',
  'overview.correct.strataFixed':
    'Estrato registrado: {stratum}. Eligió la lista de la asignación y no puede cambiar.',
  'overview.stratum.unchanged': 'Como se registró',
  'overview.correct.save': 'Guardar la corrección',
  'overview.correct.done': 'El registro de {participantId} está corregido: {fields}.',
  'overview.correct.deviation':
    'El registro corregido no cumple estos criterios. La asignación se mantiene: notifique la desviación del protocolo.',
  'overview.correct.notEligible':
    'Con estas correcciones el participante no es elegible, así que no se ha cambiado nada:',
  'overview.field.screeningNumber': 'número de cribado',
  'overview.field.age': 'edad',
  'overview.field.eligibility': 'respuestas de elegibilidad',
  'overview.field.stratum': 'estratos',
  'overview.failed.age': 'Edad: el ensayo admite de {min} a {max} años.',
  'overview.failed.inclusion': 'Criterio de inclusión no cumplido: {text}',
  'overview.failed.exclusion': 'Criterio de exclusión presente: {text}',
  'overview.failed.unknown': 'Criterio {id}',
  'overview.problem.reasonTooShort': 'Indique un motivo de al menos 10 caracteres.',
  'overview.problem.reasonTooLong': 'El motivo supera los 2000 caracteres.',
  'overview.problem.ageNotWhole': 'La edad debe ser un número entero de años.',
  'overview.problem.screeningEmpty': 'El número de cribado no puede quedar vacío.',
  'overview.problem.strataIncomplete':
    'Elija un nivel para cada factor, o déjelos todos como se registraron.',
  'overview.problem.nothingToCorrect': 'No cambia nada: corrija al menos un valor.',
  'overview.withdraw.title': '¿Retirar a {participantId} (número de cribado {screening})?',
  'overview.withdraw.consequences':
    'La asignación se mantiene: no se libera ninguna plaza, el participante ya no puede ser asignado y su estado pasa a Retirado. El desenmascaramiento de urgencia sigue siendo posible. Una retirada no se puede deshacer.',
  'overview.withdraw.reason': 'Motivo de la retirada',
  'overview.withdraw.confirm': 'Retirar al participante',
  'overview.withdraw.done': '{participantId} ha sido retirado.',

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
  'allocate.withdrawnUnallocated':
    'Este participante se retiró antes de la asignación: no hay nada que asignar ni que mostrar.',
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
  'unblinding.intro':
    'Use esta pantalla solo en una urgencia, cuando el médico responsable deba saber qué pierna del participante recibió las células.',
  'unblinding.warning.title': 'Qué supone desenmascarar',
  'unblinding.warning.permanent':
    'El enmascaramiento de este participante se rompe para siempre: el sello no puede volver a cerrarse.',
  'unblinding.warning.sponsor': 'Se notifica al promotor.',
  'unblinding.warning.visible':
    'Todos los perfiles verán que el sello está roto, con su nombre, la hora y su motivo.',
  'unblinding.warning.audited':
    'El desenmascaramiento queda en el registro de auditoría, firmado con su contraseña.',
  'unblinding.warning.reason':
    'Requiere un motivo de urgencia. No nombre nunca una pierna ni un lado en el motivo: lo leen todos los perfiles.',
  'unblinding.form.title': 'Desenmascarar a un participante',
  'unblinding.participant': 'Participante',
  'unblinding.chooseParticipant': 'Elija un participante',
  'unblinding.participantHelp':
    'Solo se puede desenmascarar a participantes asignados; los demás aparecen en la lista, pero no se pueden elegir.',
  'unblinding.option.allocated': '{participantId} (número de selección {screening})',
  'unblinding.option.unblinded':
    '{participantId} (número de selección {screening}): ya desenmascarado',
  'unblinding.option.notAllocated':
    '{participantId} (número de selección {screening}): sin asignar, no se puede desenmascarar',
  'unblinding.noneAllocated':
    'Todavía no se ha asignado ningún participante, así que no hay nada que desenmascarar.',
  'unblinding.alreadyUnblinded':
    'Este participante ya fue desenmascarado el {at} por {by}. Desenmascararlo de nuevo muestra la misma asignación y vuelve a quedar registrado.',
  'unblinding.reason': 'Motivo de la urgencia',
  'unblinding.reasonHelp':
    'Al menos {min} caracteres: qué ha ocurrido y por qué debe saberlo el médico responsable. No nombre nunca una pierna ni un lado.',
  'unblinding.typedAgain': 'Identificador del participante, escrito de nuevo',
  'unblinding.typedAgainHelp':
    'Escriba a mano el identificador del participante elegido, para confirmar que es el participante correcto.',
  'unblinding.password': 'Su contraseña (firma electrónica)',
  'unblinding.passwordHelp':
    'Al volver a escribir su contraseña firma el desenmascaramiento con su nombre, la hora y su significado.',
  'unblinding.submit': 'Desenmascarar a este participante',
  'unblinding.submitting': 'Desenmascarando…',
  'unblinding.problem.title': 'No se ha enviado nada:',
  'unblinding.problem.noParticipant': 'Elija el participante que se va a desenmascarar.',
  'unblinding.problem.reasonTooShort': 'El motivo necesita al menos {min} caracteres.',
  'unblinding.problem.reasonTooLong': 'El motivo puede tener como máximo {max} caracteres.',
  'unblinding.problem.idMismatch':
    'El identificador escrito de nuevo no es el del participante elegido, {participantId}. Escríbalo otra vez.',
  'unblinding.problem.noPassword': 'Escriba su contraseña para firmar el desenmascaramiento.',
  'unblinding.problem.passwordTooLong': 'Esta contraseña es demasiado larga para ser la suya.',
  'unblinding.result.title': 'Asignación del participante {participantId}',
  'unblinding.result.cells': 'CÉLULAS → {limb}',
  'unblinding.result.saline': 'SUERO SALINO → {limb}',
  'unblinding.result.when': 'Desenmascarado',
  'unblinding.result.who': 'Por',
  'unblinding.result.reason': 'Motivo',
  'unblinding.result.help':
    'Avise ahora al médico responsable. Esta asignación se borra al salir de esta pantalla; volver a verla supone desenmascarar de nuevo, y eso vuelve a quedar registrado.',
  'unblinding.result.close': 'Cerrar y borrar la asignación',
  'unblinding.help':
    'Una segunda persona (un administrador u otro desenmascarador) revisa después cada desenmascaramiento, en la pantalla Revisión de desenmascaramientos.',

  // Reviews (admin, unblinder)
  'reviews.title': 'Revisión de desenmascaramientos',
  'reviews.intro':
    'Una segunda persona revisa después cada desenmascaramiento de urgencia: ¿estaba justificado y se hizo correctamente? Nadie revisa su propio desenmascaramiento.',
  'reviews.none': 'No se ha desenmascarado a ningún participante.',
  'reviews.caption': 'Desenmascaramientos de urgencia y sus revisiones',
  'reviews.col.participant': 'Participante',
  'reviews.col.unblinded': 'Desenmascarado',
  'reviews.col.by': 'Por',
  'reviews.col.reason': 'Motivo',
  'reviews.col.notification': 'Notificación al promotor',
  'reviews.col.review': 'Revisión',
  'reviews.notification.NOT_CONFIGURED': 'No configurada',
  'reviews.notification.PENDING': 'Pendiente',
  'reviews.notification.DELIVERED': 'Entregada',
  'reviews.notification.FAILED': 'Fallida',
  'reviews.decision.ACKNOWLEDGED': 'Conforme',
  'reviews.decision.CONCERNS_RAISED': 'Con reparos',
  'reviews.reviewed': '{decision}, {at}, por {by}: {comment}',
  'reviews.pending': 'Sin revisar todavía.',
  'reviews.reviewButton': 'Revisar el desenmascaramiento de {participantId}',
  'reviews.form.title': 'Revisión del desenmascaramiento de {participantId}',
  'reviews.form.summary': 'Desenmascarado el {at} por {by}. Motivo: {reason}',
  'reviews.decision': 'Decisión',
  'reviews.comment': 'Comentario',
  'reviews.commentHelp':
    'Qué ha comprobado y qué ha encontrado. Lo pueden leer todos los perfiles: no nombre nunca una pierna ni un lado.',
  'reviews.password': 'Su contraseña (firma electrónica)',
  'reviews.passwordHelp':
    'Al volver a escribir su contraseña firma la revisión con su nombre, la hora y su significado.',
  'reviews.submit': 'Firmar la revisión',
  'reviews.submitting': 'Firmando…',
  'reviews.problem.title': 'No se ha enviado nada:',
  'reviews.problem.noDecision': 'Elija una decisión.',
  'reviews.problem.noComment': 'Escriba un comentario.',
  'reviews.problem.commentTooLong': 'El comentario puede tener como máximo {max} caracteres.',
  'reviews.problem.noPassword': 'Escriba su contraseña para firmar la revisión.',
  'reviews.problem.passwordTooLong': 'Esta contraseña es demasiado larga para ser la suya.',
  'reviews.done': 'Su revisión del desenmascaramiento de {participantId} ha quedado registrada.',
  'reviews.help':
    'Una revisión se firma una sola vez y no se puede cambiar. Los reparos quedan para que la unidad de ensayos les dé seguimiento; la revisión nunca muestra qué pierna recibió las células.',

  // Audit log and blinding register (monitor, admin)
  'audit.title': 'Registro de auditoría',
  'audit.intro':
    'Todas las acciones sobre el servicio, de la más antigua a la más reciente, tal como las registró el servidor. Cada página que consulta y cada descarga quedan también registradas (AUDIT_EXPORTED), por lo que los totales crecen mientras lee.',
  'audit.filter.legend': 'Filtros',
  'audit.filter.from': 'Desde (hora del ensayo, {zone})',
  'audit.filter.to': 'Hasta (hora del ensayo, {zone})',
  'audit.filter.toHint': 'Hasta este minuto incluido.',
  'audit.filter.action': 'Acción',
  'audit.filter.anyAction': 'Cualquier acción',
  'audit.filter.actor': 'Autor (nombre de usuario)',
  'audit.filter.participant': 'Identificador del participante',
  'audit.filter.pageSize': 'Entradas por página',
  'audit.filter.pageSizeHint': 'De 1 a {max}.',
  'audit.filter.apply': 'Aplicar filtros',
  'audit.filter.clear': 'Quitar filtros',
  'audit.filter.invalid.from': 'La hora «Desde» no es una fecha y hora válida.',
  'audit.filter.invalid.to': 'La hora «Hasta» no es una fecha y hora válida.',
  'audit.filter.invalid.pageSize':
    'Las entradas por página deben ser un número entero de 1 a {max}.',
  'audit.filter.invalid.zone':
    'Aún no se conoce la zona horaria del ensayo, así que no se puede interpretar la hora. Espere un momento y vuelva a intentarlo.',
  'audit.entries.heading': 'Entradas',
  'audit.entries.range': 'Entradas {first}–{last} de {total}',
  'audit.entries.none': 'Ninguna entrada coincide con los filtros.',
  'audit.entries.first': 'Primera página',
  'audit.entries.next': 'Página siguiente',
  'audit.table.caption':
    'Entradas del registro de auditoría que coinciden con los filtros aplicados',
  'audit.col.seq': 'N.º',
  'audit.col.at': 'Hora',
  'audit.col.actor': 'Autor',
  'audit.col.roles': 'Funciones',
  'audit.col.action': 'Acción',
  'audit.col.participant': 'Participante',
  'audit.col.outcome': 'Resultado',
  'audit.col.reason': 'Motivo',
  'audit.col.details': 'Detalles',
  'audit.outcome.SUCCESS': 'Correcto',
  'audit.outcome.DENIED': 'Denegado',
  'audit.outcome.REJECTED': 'Rechazado',
  'audit.outcome.ERROR': 'Error',
  'audit.download.heading': 'Descargas',
  'audit.download.intro':
    'Todas las entradas que coinciden con los filtros aplicados (no solo esta página), en el formato que elija. Sin filtros, el archivo es la cadena completa desde la entrada 1 y puede verificarse sin conexión (véase más abajo).',
  'audit.download.json': 'Descargar JSON',
  'audit.download.csv': 'Descargar CSV',
  'audit.download.ndjson': 'Descargar NDJSON',
  'audit.download.busy': 'Preparando la descarga…',
  'audit.download.saved': 'Guardado {name} ({count} entradas).',
  'audit.verify.heading': 'Verificar la cadena',
  'audit.verify.intro':
    'El servidor comprueba todas las entradas desde la 1: que cada una enlaza con la anterior y que su hash es el registrado. La comprobación también queda registrada (AUDIT_VERIFIED).',
  'audit.verify.button': 'Verificar ahora',
  'audit.verify.busy': 'Verificando…',
  'audit.verify.valid': 'Válida: la cadena de {entries} entradas está íntegra.',
  'audit.verify.invalid':
    'NO válida: la cadena está rota en la entrada {seq} ({entries} entradas comprobadas). Avise al administrador de la unidad de ensayos.',
  'audit.verify.entries': 'Entradas',
  'audit.verify.headHash': 'Hash final',
  'audit.verify.firstInvalidSeq': 'Primera entrada no válida',
  'audit.verify.problem': 'Problema',
  'audit.checkpoint.heading': 'Punto de control firmado',
  'audit.checkpoint.intro':
    'Una declaración de la longitud del registro y de su último hash, firmada por el servidor. Consérvela: una descarga posterior puede comprobarse con ella, lo que demuestra que el registro que se le muestre entonces prolonga el que ve ahora.',
  'audit.checkpoint.button': 'Descargar un punto de control firmado',
  'audit.checkpoint.saved': 'Guardado {name}.',
  'audit.help.heading': 'Comprobar una descarga sin conexión',
  'audit.help.whole':
    'Descargue NDJSON sin filtros: es la cadena completa y su última línea es un punto de control firmado por el servidor. En un ordenador con este proyecto, ejecute:',
  'audit.help.command':
    'npm run cli -- audit verify audit-log.ndjson --public-key server-public.pem',
  'audit.help.key':
    'Obtenga la clave pública del servidor (server-public.pem) de la unidad de ensayos por otro canal, no del archivo: una clave incluida en el archivo solo prueba que este no se alteró después de firmarlo, porque cualquiera puede recalcular una cadena y firmarla con una clave propia. Sin --public-key el veredicto es «not authenticated».',
  'audit.help.checkpoint':
    'Para comprobar una descarga con un punto de control guardado antes, añádalo:',
  'audit.help.commandCheckpoint':
    'npm run cli -- audit verify audit-log.ndjson --public-key server-public.pem --checkpoint audit-checkpoint.json',
  'audit.help.verdicts':
    'Código de salida 0 y «valid» con el número de entradas y el hash final: el archivo está íntegro y firmado. Código 1: no válido (se indica la primera entrada rota) o no autenticado. Código 2: no se pudo leer un archivo o una clave. Una descarga filtrada tiene huecos a propósito y no se verifica como cadena. Los archivos JSON se verifican igual; docs/audit-format.md explica cada comprobación.',
  'register.blindingTitle': 'Registro de enmascaramiento',
  'register.blindingIntro':
    'Quién ha conocido la asignación de cada participante, cuándo y cómo: cada asignación, relectura de una asignación, hoja de preparación y desenmascaramiento de urgencia. Nunca muestra la asignación en sí.',
  'register.blindingSource':
    'Se obtiene del registro de auditoría, así que siempre coincide con él: se indica el número de la entrada de auditoría de cada exposición.',
  'register.blindingRefresh': 'Actualizar',
  'register.blindingExposures': 'Exposiciones por participante',
  'register.blindingNone': 'Nadie ha conocido todavía la asignación de ningún participante.',
  'register.blindingCaption': 'Exposiciones: {exposures} de {participants} participantes',
  'register.blindingCol.participant': 'Participante',
  'register.blindingCol.person': 'Persona',
  'register.blindingCol.roles': 'Funciones',
  'register.blindingCol.how': 'Cómo',
  'register.blindingCol.at': 'Cuándo',
  'register.blindingCol.seq': 'Entrada de auditoría',
  'register.blindingHow.ALLOCATED': 'Asignó al participante',
  'register.blindingHow.ALLOCATION_VIEWED': 'Releyó la asignación',
  'register.blindingHow.PREPARATION_SHEET_VIEWED': 'Abrió la hoja de preparación',
  'register.blindingHow.UNBLINDED': 'Desenmascaramiento de urgencia',
  'register.blindingHow.ENVELOPE_PRINTED':
    'Imprimió un sobre de contingencia usado después para el participante',
  'register.blindingExports': 'Exportaciones de la lista completa',
  'register.blindingExportsIntro':
    'Tras el cierre del estudio, el estadístico puede exportar la lista completa: cada exportación expone a todos los participantes.',
  'register.blindingExportsNone': 'La lista completa no se ha exportado.',
  'register.blindingExportsCaption': 'Exportaciones de la lista de aleatorización completa',

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
  'list.export.reportHelp':
    'Para el archivo maestro del ensayo: el CSV y el informe imprimible dan cada plaza con su número y tamaño de bloque, la pierna, el participante y la hora de asignación; el informe añade el ensayo, el diseño, la semilla, el compromiso y las horas de generación y de cierre. Abra el informe en un navegador e imprímalo en A4, o guárdelo como PDF. Ambos llevan la firma Ed25519 del CSV; docs/randomization.md (sección 8) explica cómo comprobarla.',
  'list.export.downloadCsv': 'Descargar la lista en CSV (con bloques)',
  'list.export.downloadReport': 'Descargar el informe imprimible (HTML)',
  'list.export.downloading': 'Preparando la descarga…',
  'list.export.saved': 'Descargada como {file}.',
  'list.export.recorded':
    'Cada exportación queda registrada en el registro de auditoría a su nombre.',

  // Users and study lock (admin)
  'users.title': 'Usuarios',
  'users.help':
    'Cree una cuenta para cada persona, solo con los roles que necesita su trabajo. Un cambio de roles surte efecto en la siguiente petición del usuario; deshabilitar una cuenta o establecer una contraseña nueva cierra al instante todas sus sesiones. El servicio siempre conserva al menos un administrador activo.',
  'users.listHeading': 'Cuentas',
  'users.none': 'Todavía no hay ninguna cuenta.',
  'users.col.username': 'Usuario',
  'users.col.displayName': 'Nombre visible',
  'users.col.roles': 'Roles',
  'users.col.active': 'Cuenta',
  'users.col.actions': 'Acciones',
  'users.active': 'Activa',
  'users.disabled': 'Deshabilitada',
  'users.noDisplayName': '—',
  'users.edit': 'Editar',
  'users.editUser': 'Editar {username}',
  'users.createHeading': 'Crear un usuario',
  'users.username': 'Usuario',
  'users.usernameHint':
    'De 2 a 64 caracteres: letras minúsculas, cifras, puntos, guiones o guiones bajos; empieza por una letra o una cifra.',
  'users.displayName': 'Nombre visible (opcional)',
  'users.initialPassword': 'Contraseña inicial',
  'users.passwordRules':
    'Entre {min} y {max} caracteres, y no puede contener el nombre de usuario. Entréguela al usuario en persona.',
  'users.roles': 'Roles',
  'users.rolesHint': 'Marque al menos un rol.',
  'users.create': 'Crear usuario',
  'users.creating': 'Creando…',
  'users.created': 'Usuario {username} creado.',
  'users.problem.username':
    'El nombre de usuario solo admite letras minúsculas, cifras, puntos, guiones o guiones bajos (de 2 a 64, empezando por una letra o una cifra).',
  'users.problem.tooShort': 'La contraseña es demasiado corta: necesita al menos {min} caracteres.',
  'users.problem.tooLong': 'La contraseña es demasiado larga: admite como máximo {max} caracteres.',
  'users.problem.containsUsername': 'La contraseña no puede contener el nombre de usuario.',
  'users.problem.noRole': 'Marque al menos un rol.',
  'users.problem.duplicate':
    'Ya existe un usuario llamado {username}. Elija otro nombre de usuario.',
  'users.editHeading': 'Cuenta {username}',
  'users.close': 'Cerrar',
  'users.saveRoles': 'Guardar roles',
  'users.rolesSaved':
    'Roles de {username} guardados. Se aplican desde la siguiente petición del usuario.',
  'users.accountHeading': 'Acceso',
  'users.isActive': '{username} puede iniciar sesión.',
  'users.isDisabled': '{username} está deshabilitado y no puede iniciar sesión.',
  'users.disable': 'Deshabilitar la cuenta',
  'users.enable': 'Habilitar la cuenta',
  'users.disableTitle': '¿Deshabilitar a {username}?',
  'users.disableConsequence':
    'Todas las sesiones de {username} terminan al instante, esté en la pantalla que esté. No podrá volver a iniciar sesión hasta que un administrador habilite la cuenta.',
  'users.disableConfirm': 'Deshabilitar',
  'users.disabledDone': '{username} está deshabilitado; sus sesiones han terminado.',
  'users.enabledDone': '{username} está habilitado y puede volver a iniciar sesión.',
  'users.resetHeading': 'Restablecer la contraseña',
  'users.newPassword': 'Contraseña nueva',
  'users.resetConsequence':
    'Establecer una contraseña nueva cierra al instante todas las sesiones del usuario: deberá volver a iniciar sesión con la contraseña nueva.',
  'users.reset': 'Establecer contraseña nueva',
  'users.resetDone': 'Contraseña nueva establecida para {username}; sus sesiones han terminado.',
  'users.saving': 'Guardando…',
  'lock.title': 'Cierre del estudio',
  'lock.help':
    'Cierre el estudio cuando el último participante haya terminado y la base de datos esté cerrada. El cierre es definitivo.',
  'lock.openHeading': 'El estudio está abierto',
  'lock.consequencesIntro': 'Una vez cerrado el estudio:',
  'lock.consequence.registration': 'no se podrá registrar ningún participante;',
  'lock.consequence.allocation': 'no se podrá asignar ningún participante, ni generar la lista;',
  'lock.consequence.export':
    'el estadístico podrá exportar la lista de aleatorización completa (cada posición, extremidad y participante, con la semilla), lo que desenmascara todo el ensayo;',
  'lock.consequence.final': 'nadie podrá deshacer el cierre.',
  'lock.consequence.unblinding':
    'El desenmascaramiento de urgencia de un participante concreto sigue siendo posible, y sigue quedando registrado.',
  'lock.reason': 'Motivo del cierre',
  'lock.reasonHint':
    'Al menos {min} caracteres; se anota en el registro de auditoría con su nombre.',
  'lock.reasonMissing': 'Escriba un motivo de al menos {min} caracteres (faltan {missing}).',
  'lock.submit': 'Cerrar el estudio…',
  'lock.confirmTitle': '¿Cerrar el estudio definitivamente?',
  'lock.confirmReason': 'Motivo: {reason}',
  'lock.confirm': 'Cerrar el estudio',
  'lock.locking': 'Cerrando…',
  'lock.justLocked': 'El estudio está cerrado.',
  'lock.lockedHeading': 'El estudio está cerrado',
  'lock.lockedAt': 'Cerrado el',
  'lock.lockedBy': 'Cerrado por',
  'lock.lockReason': 'Motivo',
  'lock.lockedNote':
    'El registro y la asignación están cerrados definitivamente. El estadístico ya puede exportar la lista de aleatorización completa.',
  'guesses.title': 'Evaluación del enmascaramiento',
  'guesses.intro':
    'Antes de cualquier desenmascaramiento, registre la respuesta del participante, o la suya como evaluador de resultados, sobre qué pierna recibió las células. Nadie ve las respuestas antes del cierre del estudio.',
  'guesses.participant': 'Participante',
  'guesses.chooseParticipant': 'Elija un participante',
  'guesses.whose': 'De quién es la respuesta',
  'guesses.group.PARTICIPANT': 'La respuesta del propio participante',
  'guesses.group.ASSESSOR': 'Mi respuesta como evaluador de resultados',
  'guesses.question': '¿Qué pierna recibió las células?',
  'guesses.dontKnow': 'No lo sé',
  'guesses.never':
    'Una respuesta registrada nunca se puede cambiar; se toma una por participante y por persona que responde.',
  'guesses.missing': 'Elija el participante, de quién es la respuesta y la respuesta.',
  'guesses.submit': 'Registrar la respuesta',
  'guesses.recording': 'Registrando…',
  'guesses.recorded': 'Respuesta registrada para {participantId} ({group}) el {at}.',
  'guesses.locked': 'El estudio está cerrado: no se registran más respuestas.',
  'guesses.none':
    'Aún no se puede preguntar a ningún participante: las respuestas se registran para participantes asignados cuyo sello está intacto.',
  'bindex.title': 'Índice de enmascaramiento',
  'bindex.intro':
    'Índice de enmascaramiento de Bang por grupo y por brazo, siendo el brazo la pierna que recibió las células: 1 si todas las respuestas aciertan, 0 si no aciertan más que el azar o todas son «no lo sé», −1 si todas fallan. Solo se da tras el cierre del estudio.',
  'bindex.group.PARTICIPANT': 'Participantes',
  'bindex.group.ASSESSOR': 'Evaluadores de resultados',
  'bindex.groupSummary': '{guesses} respuestas de {guessers} personas.',
  'bindex.caption': '{group}: respuestas según la pierna que recibió las células',
  'bindex.col.arm': 'Brazo',
  'bindex.col.correct': 'Aciertos',
  'bindex.col.incorrect': 'Fallos',
  'bindex.col.dontKnow': 'No lo sé',
  'bindex.col.n': 'n',
  'bindex.col.index': 'Índice',
  'bindex.col.se': 'Error estándar',
  'bindex.col.ci': 'Intervalo del 95 %',
  'bindex.arm': 'Células en la {leg}',
  'bindex.interval': '{lower} a {upper}',
  'bindex.notEstimable.NO_GUESSES': 'no estimable (ninguna respuesta)',
  'bindex.notEstimable.ZERO_VARIANCE': 'no estimable (todas las respuestas en una categoría)',
  'bindex.reading':
    'Publique los dos brazos. Índices de signo contrario apuntan a una preferencia por un lado más que a un desenmascaramiento. La fórmula y un ejemplo resuelto están en docs/blinding-assessment.md.',
};
