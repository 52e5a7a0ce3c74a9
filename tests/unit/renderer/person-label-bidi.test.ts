import { MantineProvider } from '@mantine/core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PersonText } from '../../../renderer/src/components/PersonLabel';

describe('a person label isolates what the product database says', () => {
  it('an email or name holding right-to-left overrides is shown inside <bdi>, so it cannot reorder the row around it', () => {
    const rlo = '\u202E';
    const html = renderToStaticMarkup(
      createElement(MantineProvider, null, createElement(PersonText, { id: 'u-1', email: `ada${rlo}moc.elpmaxe@`, name: `Ada ${rlo}nimda`, inline: true })),
    );
    expect(html).toContain(`<bdi>ada${rlo}moc.elpmaxe@</bdi>`);
    expect(html).toContain(`<bdi>Ada ${rlo}nimda</bdi>`);
  });
});
