import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { BlindingCipher } from './blinding-cipher';
import { KeyCheckEntity } from './key-check.entity';

/** A start-up failure, not an HTTP answer: the server refuses to start. */
export class WrongBlindingKey extends Error {
  constructor() {
    super(
      'The blinding key does not match the key this database was created with (key check value differs). ' +
        'Start with the original BLINDING_KEY or BLINDING_KEY_FILE; nothing was decrypted.',
    );
  }
}

/** Stores the blinding key's check value at first start and compares it at every later start. */
@Injectable()
export class KeyCheckService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cipher: BlindingCipher,
  ) {}

  async verifyOrRecord(): Promise<void> {
    const checkValue = this.cipher.checkValue();
    await this.uow.write(async (manager) => {
      const repository = manager.getRepository(KeyCheckEntity);
      const stored = await repository.findOneBy({ purpose: 'blinding' });
      if (!stored) {
        await repository.insert({
          purpose: 'blinding',
          keyVersion: this.cipher.keyVersion,
          checkValue,
          createdAt: new Date().toISOString(),
        });
        return;
      }
      if (stored.checkValue !== checkValue) throw new WrongBlindingKey();
    });
  }
}
