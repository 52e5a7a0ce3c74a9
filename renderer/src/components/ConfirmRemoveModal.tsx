import { ConfirmActionModal, type ConfirmActionModalProps } from './ConfirmActionModal';

type ConfirmRemoveModalProps = Omit<ConfirmActionModalProps, 'reversibility' | 'pending'> & {
  pending: boolean;
  /** A removal cannot be undone unless the caller says how it can. */
  reversibility?: ConfirmActionModalProps['reversibility'];
};

/** "Remove this?": a ConfirmActionModal whose default answer to "can it be undone?" is no. */
export function ConfirmRemoveModal({ reversibility = { kind: 'irreversible' }, ...props }: ConfirmRemoveModalProps) {
  return <ConfirmActionModal reversibility={reversibility} {...props} />;
}
