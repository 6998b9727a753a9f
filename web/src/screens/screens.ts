import type { ComponentType } from 'react';
import type { Role } from '../api/types';
import type { MessageKey } from '../i18n/messages-en';
import { AllocationScreen } from './AllocationScreen';
import { AuditLogScreen } from './AuditLogScreen';
import { BlindingGuessesScreen } from './BlindingGuessesScreen';
import { BlindingIndexScreen } from './BlindingIndexScreen';
import { BlindingRegisterScreen } from './BlindingRegisterScreen';
import { EnvelopesScreen } from './EnvelopesScreen';
import { OverviewScreen } from './OverviewScreen';
import { RandomizationListScreen } from './RandomizationListScreen';
import { RegisterScreen } from './RegisterScreen';
import { ReviewsScreen } from './ReviewsScreen';
import { StudyLockScreen } from './StudyLockScreen';
import { UnblindingScreen } from './UnblindingScreen';
import { UsersScreen } from './UsersScreen';

/**
 * The screens of SPEC section 11 and the roles each is for. The menu shows a user the screens of
 * each of their roles; the API decides what is allowed, this only keeps the menu to what is useful.
 */
export interface ScreenDefinition {
  path: string;
  navKey: MessageKey;
  roles: readonly Role[] | 'everyone';
  /** Roles whose holders are not offered the screen even with one of `roles` (the API refuses them). */
  notFor?: readonly Role[];
  Component: ComponentType;
}

export const SCREENS: readonly ScreenDefinition[] = [
  { path: '/', navKey: 'nav.overview', roles: 'everyone', Component: OverviewScreen },
  {
    path: '/participants/new',
    navKey: 'nav.register',
    roles: ['pharmacist', 'investigator'],
    Component: RegisterScreen,
  },
  {
    path: '/allocation',
    navKey: 'nav.allocate',
    roles: ['pharmacist'],
    Component: AllocationScreen,
  },
  {
    path: '/downtime-envelopes',
    navKey: 'nav.envelopes',
    roles: ['statistician', 'pharmacist'],
    Component: EnvelopesScreen,
  },
  {
    path: '/unblinding',
    navKey: 'nav.unblinding',
    roles: ['unblinder'],
    Component: UnblindingScreen,
  },
  {
    path: '/unblinding-reviews',
    navKey: 'nav.reviews',
    roles: ['admin', 'unblinder'],
    Component: ReviewsScreen,
  },
  {
    path: '/audit-log',
    navKey: 'nav.auditLog',
    roles: ['monitor', 'admin'],
    Component: AuditLogScreen,
  },
  {
    path: '/blinding-register',
    navKey: 'nav.blindingRegister',
    roles: ['monitor', 'admin'],
    Component: BlindingRegisterScreen,
  },
  {
    path: '/randomization-list',
    navKey: 'nav.randomizationList',
    roles: ['statistician'],
    Component: RandomizationListScreen,
  },
  {
    path: '/blinding-guesses',
    navKey: 'nav.blindingGuesses',
    roles: ['assessor', 'investigator'],
    // A guess by someone who sees allocations measures nothing (403 GUESSER_NOT_BLINDED). The
    // menu knows the current roles only: a former holder is refused by the API, and the screen
    // then shows why in place of the form.
    notFor: ['pharmacist', 'unblinder'],
    Component: BlindingGuessesScreen,
  },
  {
    path: '/blinding-index',
    navKey: 'nav.blindingIndex',
    roles: ['statistician'],
    Component: BlindingIndexScreen,
  },
  { path: '/users', navKey: 'nav.users', roles: ['admin'], Component: UsersScreen },
  { path: '/study-lock', navKey: 'nav.studyLock', roles: ['admin'], Component: StudyLockScreen },
];

/** The screens a user with these roles has, in menu order. */
export function screensFor(roles: readonly Role[]): ScreenDefinition[] {
  return SCREENS.filter(
    (screen) =>
      (screen.roles === 'everyone' || screen.roles.some((role) => roles.includes(role))) &&
      !(screen.notFor ?? []).some((role) => roles.includes(role)),
  );
}

/** The screen at a path, among those the user has. */
export function screenAt(path: string, roles: readonly Role[]): ScreenDefinition | undefined {
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return screensFor(roles).find((screen) => screen.path === normalised);
}
