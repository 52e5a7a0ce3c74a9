import { Center, Image } from '@mantine/core';
import { IconPhotoOff } from '@tabler/icons-react';
import { useState } from 'react';

const WIDTH = 96;
const HEIGHT = 54;

/**
 * A video's poster frame from Cloudinary. Offline, or for an asset Cloudinary
 * no longer has, the image does not load: a placeholder of the same size
 * takes its place and keeps the URL (data-thumbnail-url) for tests and tooltips.
 */
export function MediaThumbnail({ url, title }: { url: string | null | undefined; title: string }) {
  const [failed, setFailed] = useState(false);
  if (!url || failed) {
    return (
      <Center
        w={WIDTH}
        h={HEIGHT}
        bg="var(--mantine-color-default-hover)"
        bd="1px solid var(--mantine-color-default-border)"
        style={{ borderRadius: 'var(--mantine-radius-sm)', flex: 'none' }}
        role="img"
        aria-label={`No preview for ${title}`}
        title={url ?? 'No thumbnail URL'}
        data-testid="media-thumbnail"
        data-thumbnail-url={url ?? ''}
        data-loaded="false"
      >
        <IconPhotoOff size={20} color="var(--mantine-color-dimmed)" aria-hidden />
      </Center>
    );
  }
  return (
    <Image
      src={url}
      alt={`Preview of ${title}`}
      w={WIDTH}
      h={HEIGHT}
      fit="cover"
      radius="sm"
      loading="lazy"
      onError={() => setFailed(true)}
      style={{ flex: 'none' }}
      data-testid="media-thumbnail"
      data-thumbnail-url={url}
      data-loaded="true"
    />
  );
}
