import { Conflict } from '../common/domain-errors';

export class StudyLocked extends Conflict {
  constructor() {
    super(
      'The study is locked: no more registration, list generation or allocation',
      'STUDY_LOCKED',
    );
  }
}
